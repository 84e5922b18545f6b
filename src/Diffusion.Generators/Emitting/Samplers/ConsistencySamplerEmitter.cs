using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>
/// Consistency sampling (Song et al. 2023, Algorithm 1) with the model's consistency function (its Consistency.g.cs):
/// one step from s_max, or K steps on Karras levels with re-noising, through the scheduler layer's
/// ConsistencySampler.Sample.
/// </summary>
internal sealed class ConsistencySamplerEmitter : IOwnLoopSamplerEmitter
{
    public string[] Aliases => new[] { "ConsistencySampler", "ConsistencyFunction" };

    public string[] Summary(ModelSpec m) => new[]
    {
        "Consistency sampling (Song et al. 2023, Algorithm 1): x = f(x_T, s_max) from x_T = s_max z, then for each",
        "further level s: re-noise x + sqrt(s^2 - s_min^2) z and apply f again; " + (m.Latent is null
            ? "every f clamped to [-1, 1]."
            : "f is not clamped (latents are not data in [-1, 1])."),
    };

    /// <summary>The consistency function is what each step applies (users call it by hand too).</summary>
    public string StepName => "Consistency";

    public string StepArguments => "x, level, labels, denoiser";

    public void EmitStep(CodeWriter w, ModelSpec m, ModelNames names)
    {
        // The step is the consistency function, emitted with the model's constants in its Consistency.g.cs.
    }

    public void EmitSample(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var torch = names.Torch;
        var network = names.Network;
        bool labelled = m.Network.IsClassConditional;
        w.Line("/// <summary>");
        foreach (var line in Summary(m)) w.Line("/// " + line);
        w.Lines(
            "/// request.Steps = K levels: the K largest of K + 1 Karras levels (Karras et al. 2022, Eq. 5), so s_max first",
            "/// and never s_min, where f is the identity. K = 1 is one-step sampling. request.Eta, thresholding and",
            "/// classifier guidance do not apply; a model distilled from a guided teacher has the teacher's weight w baked in,",
            "/// so sample it with GuidanceScale = 1. Returns x_0 samples (Count, C, H, W); <paramref name=\"onStep\"/> sees",
            "/// (K - k, f) after the k-th application of f.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + names.Tensor + " SampleConsistency", new[]
        {
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            names["OnStep"] + "? onStep = null",
        });
        w.Open();
        var nullException = names["ArgumentNullException"];
        var argumentException = names["ArgumentException"];
        w.Lines(
            "if (request is null) throw new " + nullException + "(nameof(request));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "request.Validate(" + names.Schedule + ".Timesteps, " + (labelled ? network + ".Classes" : "null") + ", Schedule);",
            "if (request.GuidanceScale != 1.0 || request.Classifier is not null)",
            "{",
            "    throw new " + argumentException + "(\"Consistency sampling takes no guidance: a model distilled from a guided \"",
            "        + \"teacher has its weight baked in; use GuidanceScale = 1 and no classifier.\", nameof(request));",
            "}",
            "using var noGrad = " + torch + ".no_grad();",
            "using var scope = " + torch + ".NewDisposeScope();",
            "var device = SamplingDevice(generator);",
            "");
        int n = 1;
        if (labelled)
        {
            w.Step(ref n, "Labels y; without labels the null label (unconditional sampling)");
            w.Lines(
                "using " + names["Scalar"] + " nullLabel = " + network + ".NullLabel;    // disposed here, not left to the finalizer",
                "var labels = request.Labels?.to(device) ?? " + torch + ".full(new long[] { request.Count }, nullLabel,",
                "    dtype: " + torch + ".int64, device: device);    // (Count)",
                "");
        }
        w.Step(ref n, "s_max = tau_1 > ... > tau_K > s_min: Karras et al. 2022, Eq. 5 with K + 1 levels, the last (s_min) left out");
        w.Lines(
            "var levels = KarrasLevels.Descending(request.Steps + 1)[..request.Steps];",
            "");
        w.Step(ref n, "x_T = s_max z, z ~ N(0, I) (Song et al. 2023, Algorithm 1, line 1)");
        w.Line("var size = new long[] { request.Count, " + network + ".InChannels, " + network + ".InputSize, " + network + ".InputSize };");
        w.Lines(
            "using " + names["Scalar"] + " sigmaMax = SigmaMax;    // disposed here, not left to the finalizer",
            "var start = " + names["SamplingNoise"] + ".Draw(size, request.Shard, generator, device).mul_(sigmaMax);    // (Count, C, H, W)",
            "");
        // Clamping f to the data's range is for pixels; a latent model's latents have unit variance, not a range.
        bool clamped = m.Latent is null;
        w.Step(ref n, clamped
            ? "Algorithm 1: f, then re-noise and f at each further level, each f clamped to [-1, 1]"
            : "Algorithm 1: f, then re-noise and f at each further level (latents: no clamping)");
        if (clamped) w.Line("using " + names["Scalar"] + " low = -1.0, high = 1.0;");
        w.Lines(
            "int remaining = levels.Length;",
            names["ConsistencyFunction"] + " f = (x, sigma) =>",
            "{",
            "    using var level = " + torch + ".tensor(sigma, dtype: x.dtype, device: x.device);",
            "    var denoised = Consistency(x, level, " + (labelled ? "labels" : "null") + ", denoiser)" + (clamped ? ".clamp_(low, high);" : ";"),
            "    onStep?.Invoke(--remaining, denoised);",
            "    return denoised;",
            "};",
            "var samples = " + names["ConsistencySampler"] + ".Sample(f, start, levels, SigmaMin, generator, request.Shard);",
            "return samples.MoveToOuterDisposeScope();");
        w.Close();
    }
}
