using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Parameterization;

/// <summary>
/// The weighting is stated on the clean-sample error and divided by the prediction's own weight, so LossWeighting.Noise
/// on a clean-sample, velocity or posterior-mean network is exactly the noise error || eps - eps_hat ||^2 of its output
/// converted through the hub: SNR || x_0 - x0_hat ||^2 = || eps - eps_hat ||^2 (Kingma et al. 2021, Sec. 5). For the mean
/// the factor SNR / coef1_t^2 is not a function of SNR alone; this also checks the loss's target and coefficients.
/// </summary>
public class LossWeightingTests
{
    [Theory]
    [InlineData("CleanSample")]
    [InlineData("Velocity")]
    [InlineData("Mean")]
    public void Noise_weighting_on_another_prediction_is_the_noise_error(string kind)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        IDiffusionModel model = kind switch
        {
            "CleanSample" => new TinyCleanSampleModel(),
            "Velocity" => new TinyVelocityModel(),
            _ => new TinyMeanModel(),
        };
        // Give the zero-initialised output layer weights, so the network's output depends on its input.
        using (no_grad())
        {
            using var init = new Generator(8);
            foreach (var parameter in model.Network.parameters()) parameter.copy_(randn(parameter.shape, generator: init) * 0.2);
        }
        using var data = new Generator(4);
        var x0 = rand([64, 1, 4, 4], generator: data) * 2 - 1;

        using var lossGenerator = new Generator(9);
        double loss = model.TrainingLoss(x0, null, lossGenerator).item<float>();

        // The same draws by hand, in the loss's order: t, then eps.
        using var replay = new Generator(9);
        var t = randint(0, 1000, [64], dtype: ScalarType.Int64, generator: replay);
        var eps = randn(x0.shape, generator: replay);
        var a = NoiseSchedule.Gather(model.Schedule.SqrtAlphasCumprod, t, 4);
        var s = NoiseSchedule.Gather(model.Schedule.SqrtOneMinusAlphasCumprod, t, 4);
        var output = model.Denoise(a * x0 + s * eps, t, null);
        var noiseHat = kind switch
        {
            "CleanSample" => TinyCleanSampleModel.ToNoiseAndCleanSample(output, a * x0 + s * eps, a, s).Noise,
            "Velocity" => TinyVelocityModel.ToNoiseAndCleanSample(output, a * x0 + s * eps, a, s).Noise,
            // eps_hat from the mean by Ho et al. 2020, Eq. 11, not through the hub: mu = (x_t - beta_t / s eps) / sqrt(alpha_t)
            _ => (a * x0 + s * eps - NoiseSchedule.Gather(model.Schedule.Alphas, t, 4).sqrt() * output) * s
                / NoiseSchedule.Gather(model.Schedule.Betas, t, 4),
        };
        double noiseError = (noiseHat - eps).pow(2).mean().item<float>();

        Assert.Equal(noiseError, loss, noiseError * 1e-4);
    }
}
