using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Sampling;
using Diffusion.Runtime.Tests.Samplers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Sampling;

/// <summary>Thresholding of x0_hat against its definition on hand-made tensors, and inside the generated samplers.</summary>
public class CleanSampleThresholdTests
{
    [Fact]
    public void Static_thresholding_clips_to_minus_one_one()
    {
        using var x = tensor(new float[] { -2f, -0.5f, 0.3f, 1.7f }).reshape(1, 1, 2, 2);
        using var clipped = CleanSampleThreshold.Apply(x, Thresholding.Static);
        Assert.Equal(new float[] { -1f, -0.5f, 0.3f, 1f }, clipped.data<float>().ToArray());
    }

    /// <summary>
    /// Sample 0 holds 0, 0.01, ..., 2.00 (201 values): the 99.5th percentile of |x| sits at position 0.995 * 200 = 199,
    /// so s = 1.99 and x becomes clip(x, -1.99, 1.99) / 1.99. Sample 1 lies inside [-0.5, 0.5]: s = max(0.4975, 1) = 1
    /// leaves it unchanged. Imagen (Saharia et al. 2022, Sec. 2.3).
    /// </summary>
    [Fact]
    public void Dynamic_thresholding_uses_each_samples_own_percentile_and_never_scales_up()
    {
        var first = new float[201];
        var second = new float[201];
        for (int k = 0; k <= 200; k++)
        {
            first[k] = k / 100f;
            second[k] = (k - 100) / 200f;
        }
        using var x = stack(new[] { tensor(first), tensor(second) }).reshape(2, 1, 1, 201);
        using var result = CleanSampleThreshold.Apply(x, Thresholding.Dynamic, 0.995);
        var values = result.reshape(2, 201);
        Assert.Equal(1.0, values[0, 200].ToDouble(), 6);             // 2.00 clipped to 1.99, divided by 1.99
        Assert.Equal(1.0 / 1.99, values[0, 100].ToDouble(), 6);      // 1.00 / 1.99
        Assert.Equal(1.98 / 1.99, values[0, 198].ToDouble(), 6);
        Assert.True(values[1].equal(tensor(second)).all().item<bool>());
    }

    [Fact]
    public void Dynamic_percentile_outside_zero_one_is_refused()
    {
        using var x = zeros(1, 1, 2, 2);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => CleanSampleThreshold.Apply(x, Thresholding.Dynamic, 1.5));
    }

    /// <summary>Data far outside [-1, 1]: unthresholded samplers follow it there; static thresholding keeps the result in [-1, 1].</summary>
    [Theory]
    [InlineData(SamplerKind.Ddpm)]
    [InlineData(SamplerKind.Ddim)]
    public void Samplers_apply_the_requested_thresholding_to_every_clean_sample(SamplerKind kind)
    {
        var model = new TinyCosineModel();
        var oracle = new GaussianOracle(model.Schedule, [3.0], 0.2);
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var free = model.Sample(kind, new SampleRequest(16, Steps: 20) { Thresholding = Thresholding.None }, g1, oracle.Denoiser);
        using var clipped = model.Sample(kind, new SampleRequest(16, Steps: 20) { Thresholding = Thresholding.Static }, g2, oracle.Denoiser);
        Assert.True(free.mean().ToDouble() > 2.5);
        Assert.True(clipped.abs().max().ToDouble() <= 1.0 + 1e-6);
    }
}
