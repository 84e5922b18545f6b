using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Parameterization.g.cs: the one place that knows what the network predicts. The loss and
/// the samplers see only the normalised pair (eps, x0_hat) and the training target, never the prediction kind.
/// </summary>
internal static class ParameterizationEmitter
{
    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        w.Lines(
            "/// <summary>",
            "/// The parameterization hub of " + m.Type.Name + " (SCOPE section 4): the network predicts the " + Describe(m.Predicts) + ".",
            "/// Every sampler and the loss go through these methods only.",
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        w.Lines(
            "/// <summary>",
            "/// The network output at x_t as the pair (eps, x0_hat), given sqrt(abar_t) and sqrt(1 - abar_t) of the step.",
            "/// </summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "public static (" + Tensor + " Noise, " + Tensor + " CleanSample) ToNoiseAndCleanSample(" + Tensor + " output, " + Tensor + " x, double sqrtAlphaBar, double sqrtOneMinusAlphaBar)");
        w.Open();
        switch (m.Predicts)
        {
            default:
                w.Lines(
                    "var noise = output;    // eps_theta(x_t, t): the output is the noise (Ho et al. 2020, Eq. 11)",
                    "var cleanSample = (x - sqrtOneMinusAlphaBar * noise) / sqrtAlphaBar;    // x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 solved for x_0)",
                    "return (noise, cleanSample);");
                break;
        }
        w.Close();
        w.Line();
        w.Lines(
            "/// <summary>",
            "/// eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps): the noise consistent with a",
            "/// thresholded x0_hat (improved-diffusion's _predict_eps_from_xstart).",
            "/// </summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "public static " + Tensor + " NoiseFromCleanSample(" + Tensor + " x, " + Tensor + " cleanSample, double sqrtAlphaBar, double sqrtOneMinusAlphaBar) =>",
            "    (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;");
        w.Line();
        w.Lines(
            "/// <summary>What the network is trained to output for clean data x_0 noised with eps.</summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "public static " + Tensor + " TrainingTarget(" + Tensor + " x0, " + Tensor + " noise) =>");
        switch (m.Predicts)
        {
            default:
                w.Line("    noise;    // L_simple regresses eps (Ho et al. 2020, Eq. 14)");
                break;
        }
        w.Close();
        return w.ToString();
    }

    private static string Describe(PredictionValue predicts) => predicts switch
    {
        _ => "noise eps (Ho et al. 2020, Eq. 11)",
    };
}
