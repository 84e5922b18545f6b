using Diffusion.Dsl;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>DDPM's ancestral step (Ho et al. 2020, Algorithm 2) with the declared reverse variance.</summary>
internal sealed class DdpmSamplerEmitter : ISamplerEmitter
{
    public string[] Summary(ModelSpec m) => new[]
    {
        "DDPM ancestral sampling (Ho et al. 2020, Algorithm 2) on request.Steps evenly spaced training steps (the",
        "respaced process of improved-diffusion), one <see cref=\"DdpmStep\"/> per step.",
    };

    public string StepName => "DdpmStep";

    public string StepArguments => "x, step, previous, output";

    public void EmitStep(CodeWriter w, ModelSpec m, ModelNames names)
    {
        w.Lines(
            "/// <summary>",
            "/// One DDPM step, a pure function: x_{t-1} = mu_theta(x_t, t) + sigma_t z from x at training timestep",
            "/// <paramref name=\"step\"/> to the earlier <paramref name=\"previous\"/> (-1: the last step, which adds no noise),",
            "/// given the network output at (x, step), with mu_theta = mu~_t(x_t, x0_hat) (Ho et al. 2020, Eq. 7 and",
            "/// Algorithm 2) and sigma_t^2 = " + VarianceText(m.Variance) + ".",
            "/// z comes from <paramref name=\"generator\"/> (the whole request's draw, of which <paramref name=\"shard\"/>",
            "/// keeps its rows, when the batch is one process's share).",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + names.Tensor + " DdpmStep", SamplerLoopEmitter.StepParameters(names));
        w.Open();
        SamplerLoopEmitter.EmitStepOpening(w, names);
        SamplerLoopEmitter.EmitMeanCoefficients(w, m, names);
        int n = 1;
        w.Step(ref n, "x0_hat from the parameterization hub");
        ParameterizationEmitter.Call(w, m, "var (_, cleanSample) = ToNoiseAndCleanSample",
            SamplerLoopEmitter.Prediction(m) + ", x", ";");
        w.Line();
        SamplerLoopEmitter.EmitThresholding(w, names, ref n, noiseAgain: null);
        w.Step(ref n, "mu~_t = coef1 x0_hat + coef2 x_t, the posterior mean (Ho et al. 2020, Eq. 7)");
        w.Line("// Scalars disposed here, not left to the finalizer");
        w.Line("using " + names["Scalar"] + " one = 1, coef1 = transition.PosteriorMeanCoef1, coef2 = transition.PosteriorMeanCoef2;");
        w.Line("var mean = cleanSample.mul(coef1).add(x.mul(coef2), one);    // (N, C, H, W)");
        w.Line("if (previous < 0) return mean.MoveToOuterDisposeScope();    // x_0 = mu~_1: no noise at the last step");
        w.Line();
        var math = names["Math"];
        switch (m.Variance)
        {
            case ReverseVariance.Learned:
                w.Step(ref n, "sigma_t = exp(log Sigma_theta / 2), learned (Nichol and Dhariwal 2021, Eq. 15)");
                var torch = names.Torch;
                w.Lines(
                    "var logBeta = " + torch + ".tensor(" + math + ".Log(transition.Beta), dtype: x.dtype, device: x.device);",
                    "var logPosteriorVariance = " + torch + ".tensor(" + math + ".Log(transition.PosteriorVariance), dtype: x.dtype, device: x.device);",
                    "var logVariance = LearnedLogVariance(SplitOutput(output).VarianceValues, logBeta, logPosteriorVariance);",
                    "using " + names["Scalar"] + " half = 0.5;    // disposed here, not left to the finalizer",
                    "var sigma = (logVariance * half).exp();    // (N, C, H, W)");
                break;
            case ReverseVariance.FixedLarge:
                w.Step(ref n, "sigma_t^2 = beta_t (Ho et al. 2020, Sec. 3.2)");
                w.Line("using " + names["Scalar"] + " sigma = " + math + ".Sqrt(transition.Beta);    // disposed here, not left to the finalizer");
                break;
            default:
                w.Step(ref n, "sigma_t^2 = beta~_t (Ho et al. 2020, Sec. 3.2)");
                w.Line("using " + names["Scalar"] + " sigma = " + math + ".Sqrt(transition.PosteriorVariance);    // disposed here, not left to the finalizer");
                break;
        }
        w.Line();
        w.Step(ref n, "x_{t-1} = mu_theta + sigma_t z (Ho et al. 2020, Algorithm 2, line 4)");
        w.Line("var z = " + names["SamplingNoise"] + ".Draw(x.shape, shard, generator, x.device);    // (N, C, H, W)");
        w.Line("var next = mean.add(sigma * z, one);    // (N, C, H, W)");
        w.Line("return next.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static string VarianceText(ReverseVariance variance) => variance switch
    {
        ReverseVariance.Learned => "exp(f log beta_t + (1 - f) log beta~_t), learned (Nichol and Dhariwal 2021, Eq. 15)",
        ReverseVariance.FixedLarge => "beta_t (fixed large)",
        _ => "beta~_t (fixed small)",
    };
}
