using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>Emits {Namespace}.{Type}.Samplers.g.cs: one pure sampling loop per declared [Sampler].</summary>
internal static class SamplerEmitter
{
    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        w.Line("/// <summary>The samplers declared on " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        bool first = true;
        foreach (var sampler in m.Samplers)
        {
            if (!first) w.Line();
            first = false;
            EmitSampler(w, m, sampler);
        }
        w.Line();
        EmitHelpers(w, m);
        w.Close();
        return w.ToString();
    }

    private static void EmitSampler(CodeWriter w, ModelSpec m, SamplerKindValue kind)
    {
        var network = m.Network.Type.FullName;
        var schedule = m.Schedule.Type.FullName;
        bool ddim = kind == SamplerKindValue.Ddim;
        w.Line("/// <summary>");
        if (ddim)
        {
            w.Lines(
                "/// DDIM (Song et al. 2021, Eq. 12): x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps + sigma_t z with",
                "/// sigma_t = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}) (Eq. 16), on request.Steps evenly spaced",
                "/// training steps. eta = 0 is deterministic; eta = 1 matches DDPM.");
        }
        else
        {
            w.Lines(
                "/// DDPM ancestral sampling (Ho et al. 2020, Algorithm 2): x_{t-1} = mu~_t(x_t, x0_hat) + sqrt(beta~_t) z, no noise at the",
                "/// last step, on request.Steps evenly spaced training steps (the respaced process of improved-diffusion).");
        }
        w.Lines(
            "/// Returns x_0 samples (Count, C, H, W).",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation (code = paper):",
            "/// <code>",
            "/// process         the respaced process on tau_1 &lt; ... &lt; tau_S; step i stands for training timestep tau_i = TimestepMap[i]",
            "/// x               x_t, the current sample (Count, C, H, W)",
            "/// t               tau_i for every sample, the timestep the network sees",
            "/// noise           eps_theta(x_t, t)" + (m.HasGuidance ? ", guided: eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null))" : ""),
            "/// cleanSample     x0_hat, the predicted x_0, thresholded as request.Thresholding says");
        if (ddim)
        {
            w.Lines(
                "/// alphaBar        abar_t = process.AlphasCumprod[i]",
                "/// alphaBarPrev    abar_{t-1} = process.AlphasCumprodPrev[i] (1 at the last step)",
                "/// sigma           sigma_t of Eq. 16");
        }
        else
        {
            w.Lines(
                "/// mean            mu~_t = PosteriorMeanCoef1[i] x0_hat + PosteriorMeanCoef2[i] x_t (Ho et al. 2020, Eq. 7)",
                "/// variance        beta~_t = process.PosteriorVariance[i] (Eq. 7)");
        }
        w.Lines(
            "/// z               fresh N(0, I) noise from the generator",
            "/// </code>",
            "/// </remarks>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " Sample" + kind + "(" + RuntimeModels + ".SampleRequest request, " + Generator + " generator, " + RuntimeModels + ".Denoiser? denoiser = null, global::System.Action<int, " + Tensor + ">? onStep = null)");
        w.Lines(
            "if (request is null) throw new global::System.ArgumentNullException(nameof(request));",
            "if (generator is null) throw new global::System.ArgumentNullException(nameof(generator));",
            "request.Validate(" + schedule + ".Timesteps, " + (m.Network.IsClassConditional ? network + ".Classes" : "null") + ");");
        if (m.Network.IsClassConditional && !m.HasGuidance)
        {
            w.Line("if (request.GuidanceScale != 1.0) throw new global::System.ArgumentException(\"" + m.Type.Name + " declares no [ClassifierFreeGuidance]; use GuidanceScale = 1.\", nameof(request));");
        }
        w.Lines(
            "var model = denoiser ?? new " + RuntimeModels + ".Denoiser((x, t, labels) => Network.call(x, t, labels));",
            "using var noGrad = " + Torch + ".no_grad();",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var device = SamplingDevice(generator);",
            "");
        if (m.Network.IsClassConditional)
        {
            w.Lines(
                "// Labels y; without labels every sample uses the null label (unconditional sampling).",
                "var labels = request.Labels is { } given ? given.to(device) : " + Torch + ".full(new long[] { request.Count }, " + network + ".NullLabel, dtype: " + Int64 + ", device: device);    // (Count)",
                "");
        }
        w.Lines(
            "// 1. The respaced process on S evenly spaced training steps (SCOPE section 1; improved-diffusion respace.py).",
            "var process = Schedule.Respace(" + NoiseSchedule + ".EvenlySpacedSteps(" + schedule + ".Timesteps, request.Steps));",
            "",
            "// 2. x_T ~ N(0, I) (Ho et al. 2020, Algorithm 2, line 1)",
            "var x = " + Torch + ".randn(new long[] { request.Count, " + network + ".InChannels, " + network + ".InputSize, " + network + ".InputSize }, generator: generator, device: device);    // (Count, C, H, W)",
            "",
            "for (int i = process.Length - 1; i >= 0; i--)");
        w.Open();
        w.Lines(
            "using var stepScope = " + Torch + ".NewDisposeScope();",
            "",
            "// 3. t = tau_i for every sample",
            "var t = " + Torch + ".full(new long[] { request.Count }, process.TimestepMap[i], dtype: " + Int64 + ", device: device);    // (Count)",
            "");
        if (m.HasGuidance)
        {
            w.Lines(
                "// 4. The model output, guided when w != 1: one batched pass on (x, y) and (x, null) (Ho and Salimans 2022, Eq. 6)",
                "var output = request.Labels is not null && request.GuidanceScale != 1.0",
                "    ? GuidedOutput(model, x, t, labels, request.GuidanceScale)",
                "    : model(x, t, labels);    // (Count, C, H, W)");
        }
        else if (m.Network.IsClassConditional)
        {
            w.Lines(
                "// 4. The model output",
                "var output = model(x, t, labels);    // (Count, C, H, W)");
        }
        else
        {
            w.Lines(
                "// 4. The model output",
                "var output = model(x, t, null);    // (Count, C, H, W)");
        }
        w.Lines(
            "",
            "// 5. (eps, x0_hat) from the parameterization hub",
            "var (noise, cleanSample) = ToNoiseAndCleanSample(output, x, process.SqrtAlphasCumprod[i], process.SqrtOneMinusAlphasCumprod[i]);    // (Count, C, H, W) each",
            "",
            "// 6. Thresholding of x0_hat: none, static clip to [-1, 1], or dynamic (Saharia et al. 2022, Sec. 2.3)",
            "if (request.Thresholding != " + Dsl + ".Thresholding.None)");
        w.Open();
        w.Line("cleanSample = " + RuntimeSampling + ".CleanSampleThreshold.Apply(cleanSample, request.Thresholding, request.DynamicPercentile);    // (Count, C, H, W)");
        if (ddim)
            w.Line("noise = NoiseFromCleanSample(x, cleanSample, process.SqrtAlphasCumprod[i], process.SqrtOneMinusAlphasCumprod[i]);    // eps consistent with the thresholded x0_hat");
        w.Close();
        w.Line("");
        if (ddim)
        {
            w.Lines(
                "// 7. sigma_t = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}) (Song et al. 2021, Eq. 16)",
                "double alphaBar = process.AlphasCumprod[i];",
                "double alphaBarPrev = process.AlphasCumprodPrev[i];",
                "double sigma = request.Eta * " + Math + ".Sqrt((1.0 - alphaBarPrev) / (1.0 - alphaBar)) * " + Math + ".Sqrt(1.0 - alphaBar / alphaBarPrev);",
                "",
                "// 8. x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps + sigma_t z (Song et al. 2021, Eq. 12)",
                "var next = " + Math + ".Sqrt(alphaBarPrev) * cleanSample + " + Math + ".Sqrt(" + Math + ".Max(0.0, 1.0 - alphaBarPrev - sigma * sigma)) * noise;    // (Count, C, H, W)",
                "if (sigma > 0 && i > 0) next = next + sigma * " + Torch + ".randn(x.shape, generator: generator, device: device);    // + sigma_t z");
        }
        else
        {
            w.Lines(
                "// 7. mu~_t = coef1 x0_hat + coef2 x_t, the posterior mean (Ho et al. 2020, Eq. 7)",
                "var mean = process.PosteriorMeanCoef1[i] * cleanSample + process.PosteriorMeanCoef2[i] * x;    // (Count, C, H, W)",
                "",
                "// 8. x_{t-1} = mu~_t + sqrt(beta~_t) z, and x_0 = mu~_1 at the last step (Algorithm 2, lines 3-4)",
                "var next = i > 0",
                "    ? mean + " + Math + ".Sqrt(process.PosteriorVariance[i]) * " + Torch + ".randn(x.shape, generator: generator, device: device)",
                "    : mean;    // (Count, C, H, W)");
        }
        w.Lines(
            "",
            "// 9. Keep x_{t-1}, free x_t: memory stays flat over the steps.",
            "next.MoveToOuterDisposeScope();",
            "x.Dispose();",
            "x = next;",
            "onStep?.Invoke(i, x);");
        w.Close();
        w.Line();
        w.Line("return x.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static void EmitHelpers(CodeWriter w, ModelSpec m)
    {
        w.Lines(
            "/// <summary>Where sampling runs: the network's device (its first parameter's), else the generator's.</summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "private global::TorchSharp.torch.Device SamplingDevice(" + Generator + " generator)",
            "{",
            "    foreach (var parameter in Network.parameters()) return parameter.device;",
            "    return generator.device;",
            "}");
        if (!m.HasGuidance) return;
        var network = m.Network.Type.FullName;
        w.Lines(
            "",
            "/// <summary>",
            "/// Classifier-free guidance (Ho and Salimans 2022, Eq. 6): eps_hat = eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null)),",
            "/// the conditional and the null-label pass batched together in one call.",
            "/// </summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "private static " + Tensor + " GuidedOutput(" + RuntimeModels + ".Denoiser model, " + Tensor + " x, " + Tensor + " t, " + Tensor + " labels, double guidanceScale)",
            "{",
            "    using var scope = " + Torch + ".NewDisposeScope();",
            "    var nullLabels = " + Torch + ".full(labels.shape, " + network + ".NullLabel, dtype: " + Int64 + ", device: labels.device);    // (N)",
            "    var both = model(" + Torch + ".cat(new[] { x, x }, 0), " + Torch + ".cat(new[] { t, t }, 0), " + Torch + ".cat(new[] { labels, nullLabels }, 0));    // (2N, C, H, W)",
            "    var halves = both.chunk(2, 0);    // conditional (N, C, H, W), unconditional (N, C, H, W)",
            "    var guided = halves[1] + guidanceScale * (halves[0] - halves[1]);    // eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null))",
            "    return guided.MoveToOuterDisposeScope();",
            "}");
    }
}
