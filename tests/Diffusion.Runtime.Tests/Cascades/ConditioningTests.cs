using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>
/// What a super-resolution stage sees (Ho et al. 2021, Sec. 3 and 4): the conditioning of a hand-made training image is
/// its area average, augmented at the drawn level, upsampled; Gaussian augmentation at level s has the mean
/// sqrt(abar_s) z and variance 1 - abar_s of q(z_s | z); blur is the normalised Gaussian kernel; the training draws
/// cover the declared levels.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ConditioningTests
{
    /// <summary>
    /// An 8x8 image whose 2x2 blocks average to <see cref="Blocks"/>: each block is its mean plus a +d, -d, -d, +d
    /// pattern, which averages to zero, so the area average is exactly the block means and not the pixels.
    /// </summary>
    private static readonly float[,] Blocks =
    {
        { 0.5f, -0.25f, 1.0f, 0.0f },
        { -1.0f, 0.75f, 0.25f, -0.5f },
        { 0.0f, 0.125f, -0.75f, 1.0f },
        { 0.375f, -0.125f, 0.5f, -1.0f },
    };

    private static Tensor HandMadeImage()
    {
        var pixels = new float[64];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                pixels[i * 8 + j] = Blocks[i / 2, j / 2] + ((i + j) % 2 == 0 ? 0.3f : -0.3f);
        return tensor(pixels).reshape(1, 1, 8, 8);
    }

    /// <summary>Half-pixel bilinear weights of an n -> 2n row: source (i + 0.5) / 2 - 0.5, clamped to the edges.</summary>
    private static float Upsampled(float[] row, int i)
    {
        double source = Math.Clamp((i + 0.5) / 2 - 0.5, 0, row.Length - 1);
        int left = (int)Math.Floor(source);
        int right = Math.Min(left + 1, row.Length - 1);
        double w = source - left;
        return (float)((1 - w) * row[left] + w * row[right]);
    }

    [Fact]
    public void At_level_0_the_conditioning_is_the_hand_made_images_block_means_upsampled()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyUp();
        var draws = new AugmentationDraws(zeros(1), zeros(1, 1, 4, 4));    // level 0: abar_0 = 1, no noise at all

        var conditioning = model.LowResolutionConditioning(HandMadeImage(), draws);

        Assert.Equal(new long[] { 1, 1, 8, 8 }, conditioning.shape);
        var actual = conditioning.reshape(-1).data<float>().ToArray();
        for (int i = 0; i < 8; i++)
        {
            // Upsample the block means along rows, then the results down the columns (bilinear is separable).
            for (int j = 0; j < 8; j++)
            {
                var column = Enumerable.Range(0, 4).Select(r => Upsampled(Enumerable.Range(0, 4).Select(c => Blocks[r, c]).ToArray(), j)).ToArray();
                Assert.Equal(Upsampled(column, i), actual[i * 8 + j], 5);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(20)]
    public void At_level_s_the_augmented_pixels_have_the_mean_and_variance_of_q_z_s_given_z(int level)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyUp();
        const int n = 4000;
        var images = HandMadeImage().expand(n, 1, 8, 8);
        var generator = new Generator(7);
        var draws = AugmentationDraws.Fixed(NoiseAugmentation.Gaussian, new long[] { n, 1, 4, 4 }, level, 50, CPU, generator);

        var conditioning = model.LowResolutionConditioning(images, draws);

        // The corner output pixel is the corner low-resolution pixel itself (bilinear clamps at the edge), so it is
        // z_s = sqrt(abar_s) z + sqrt(1 - abar_s) eps with z = Blocks[0, 0] and abar_s the schedule's abar at 0-based s - 1.
        double alphaBar = model.Schedule.AlphasCumprod[level - 1];
        var corner = conditioning[.., 0, 0, 0].to(ScalarType.Float64);
        double mean = corner.mean().item<double>();
        double variance = corner.var().item<double>();
        double expectedMean = Math.Sqrt(alphaBar) * Blocks[0, 0];
        double expectedVariance = 1 - alphaBar;
        // Five standard errors: the mean's sqrt(v / n), the sample variance's v sqrt(2 / (n - 1)).
        Assert.InRange(mean, expectedMean - 5 * Math.Sqrt(expectedVariance / n), expectedMean + 5 * Math.Sqrt(expectedVariance / n));
        double spread = 5 * expectedVariance * Math.Sqrt(2.0 / (n - 1));
        Assert.InRange(variance, expectedVariance - spread, expectedVariance + spread);
    }

    [Fact]
    public void Training_draws_levels_uniformly_over_the_declared_whole_numbers()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyUp();
        var draws = model.DrawAugmentation(new long[] { 21000, 1, 8, 8 }, CPU, new Generator(3));

        var levels = draws.Levels.data<float>().ToArray();
        Assert.Equal(new long[] { 21000, 1, 4, 4 }, draws.Noise!.shape);
        Assert.All(levels, l => Assert.Equal(Math.Floor(l), l));
        var counts = Enumerable.Range(0, 21).Select(s => levels.Count(l => l == s)).ToArray();
        Assert.Equal(21000, counts.Sum());    // nothing outside MinLevel..MaxLevel = 0..20
        // Each of the 21 levels about 1000 times: binomial standard deviation sqrt(21000 (1/21)(20/21)) ~ 30.9.
        Assert.All(counts, c => Assert.InRange(c, 1000 - 5 * 31, 1000 + 5 * 31));
    }

    [Fact]
    public void Blur_of_an_impulse_is_the_normalised_gaussian_kernel()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var impulse = zeros(1, 1, 7, 7);
        impulse[0, 0, 3, 3] = tensor(1.0f);
        const double sigma = 0.5;    // radius ceil(3 sigma) = 2: taps exp(-i^2 / (2 sigma^2)) = exp(-2 i^2), i = -2..2

        var blurred = ConditioningAugmentation.Blur(impulse, tensor(new[] { (float)sigma }));

        var taps = Enumerable.Range(-2, 5).Select(i => Math.Exp(-2.0 * i * i)).ToArray();
        double total = taps.Sum();
        var actual = blurred.reshape(-1).data<float>().ToArray();
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++)
            {
                int di = i - 3, dj = j - 3;
                double expected = Math.Abs(di) <= 2 && Math.Abs(dj) <= 2 ? taps[di + 2] / total * (taps[dj + 2] / total) : 0;
                Assert.Equal(expected, actual[i * 7 + j], 5);
            }
        Assert.Equal(1.0, blurred.sum().item<float>(), 5);    // a normalised kernel keeps the image's sum
    }

    [Fact]
    public void Blur_at_sigma_0_returns_the_image()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var image = randn(2, 1, 4, 4, generator: new Generator(1));
        var blurred = ConditioningAugmentation.Blur(image, zeros(2));
        Assert.True(Exactly.Same(blurred, image));
    }
}
