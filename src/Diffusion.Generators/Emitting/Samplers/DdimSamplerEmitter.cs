using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>DDIM's step (Song et al. 2021, Eq. 12 with sigma_t from Eq. 16).</summary>
internal sealed class DdimSamplerEmitter : ISamplerEmitter
{
    public string[] Summary(ModelSpec m) => new[]
    {
        "DDIM (Song et al. 2021, Eq. 12) on request.Steps evenly spaced training steps, one <see cref=\"DdimStep\"/> per",
        "step; eta = 0 is deterministic, eta = 1 matches DDPM.",
    };

    public string StepName => "DdimStep";

    public string StepArguments => "x, step, previous, output, request.Eta";

    public void EmitStep(CodeWriter w, ModelSpec m, ModelNames names)
    {
        w.Lines(
            "/// <summary>",
            "/// One DDIM step, a pure function (Song et al. 2021, Eq. 12):",
            "/// x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps + sigma_t z with",
            "/// sigma_t = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}) (Eq. 16), from x at training",
            "/// timestep <paramref name=\"step\"/> to the earlier <paramref name=\"previous\"/> (-1: the last step, abar_{t-1} = 1),",
            "/// given the network output at (x, step)." + (m.LearnsVariance ? " The learned variance is not used: eta sets sigma_t." : ""),
            "/// z comes from <paramref name=\"generator\"/> (the whole request's draw, of which <paramref name=\"shard\"/>",
            "/// keeps its rows, when the batch is one process's share).",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + names.Tensor + " DdimStep", SamplerLoopEmitter.StepParameters(names, "double eta"));
        w.Open();
        SamplerLoopEmitter.EmitStepOpening(w, names);
        SamplerLoopEmitter.EmitMeanCoefficients(w, m, names);
        int n = 1;
        w.Step(ref n, "(eps, x0_hat) from the parameterization hub");
        ParameterizationEmitter.Call(w, m, "var (noise, cleanSample) = ToNoiseAndCleanSample",
            SamplerLoopEmitter.Prediction(m) + ", x", ";");
        w.Line();
        SamplerLoopEmitter.EmitThresholding(w, names, ref n,
            "noise = NoiseFromCleanSample(x, cleanSample, sqrtAlphaBar, sqrtOneMinusAlphaBar);", "eps of the thresholded x0_hat");
        var math = names["Math"];
        w.Step(ref n, "sigma_t (Song et al. 2021, Eq. 16)");
        w.Lines(
            "double alphaBar = transition.AlphaBar, alphaBarPrev = transition.AlphaBarPrev;",
            "double sigma = eta * " + math + ".Sqrt((1.0 - alphaBarPrev) / (1.0 - alphaBar))",
            "    * " + math + ".Sqrt(1.0 - alphaBar / alphaBarPrev);",
            "");
        w.Step(ref n, "x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps + sigma_t z (Song et al. 2021, Eq. 12)");
        w.Lines(
            "double direction = " + math + ".Sqrt(" + math + ".Max(0.0, 1.0 - alphaBarPrev - sigma * sigma));",
            "// Scalars disposed here, not left to the finalizer",
            "using " + names["Scalar"] + " one = 1, sqrtAlphaBarPrev = " + math + ".Sqrt(alphaBarPrev), directionScale = direction;",
            "var next = cleanSample.mul(sqrtAlphaBarPrev).add(noise.mul(directionScale), one);    // (N, C, H, W)",
            "if (sigma > 0 && previous >= 0)",
            "{",
            "    using " + names["Scalar"] + " sigmaScale = sigma;",
            "    var z = " + names["SamplingNoise"] + ".Draw(x.shape, shard, generator, x.device);    // (N, C, H, W)",
            "    next = next.add(z.mul(sigmaScale), one);    // + sigma_t z",
            "}",
            "return next.MoveToOuterDisposeScope();");
        w.Close();
    }
}
