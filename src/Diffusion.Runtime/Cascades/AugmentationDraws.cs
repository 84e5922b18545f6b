using System;
using Diffusion.Dsl;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// The random draws of a super-resolution stage's noise conditioning augmentation for one training batch (Ho et al.
/// 2021, Sec. 4.1 and 4.2): a level per image, drawn uniformly, and for Gaussian augmentation the noise eps of the
/// low-resolution image.
/// </summary>
/// <param name="Levels">(N) float32: a Gaussian level s (a whole number), a blur sigma, or 0 without augmentation;
/// what the network's augmentation embedder sees.</param>
/// <param name="Noise">(N, C, h, w) eps ~ N(0, I) for Gaussian augmentation, else null.</param>
public sealed record AugmentationDraws(Tensor Levels, Tensor? Noise)
{
    /// <summary>
    /// Draws from <paramref name="generator"/> after the diffusion draws: Gaussian, s ~ Uniform{min, ..., max} then
    /// eps ~ N(0, I) of <paramref name="lowResolutionShape"/>; Blur, sigma ~ Uniform[min, max); None, zeros and no
    /// draw at all.
    /// </summary>
    public static AugmentationDraws Draw(NoiseAugmentation augmentation, long[] lowResolutionShape, double min, double max,
        Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(lowResolutionShape);
        ArgumentNullException.ThrowIfNull(generator);
        long n = lowResolutionShape[0];
        switch (augmentation)
        {
            case NoiseAugmentation.Gaussian:
                var levels = randint((long)min, (long)max + 1, new[] { n }, dtype: ScalarType.Int64, device: device, generator: generator);
                var noise = randn(lowResolutionShape, generator: generator, device: device);
                return new AugmentationDraws(levels.to(ScalarType.Float32), noise);
            case NoiseAugmentation.Blur:
            {
                using Scalar low = min.ToScalar(), width = (max - min).ToScalar(), one = 1;    // disposed here
                var sigmas = rand(new[] { n }, generator: generator, device: device).mul(width).add(low, one);
                return new AugmentationDraws(sigmas, null);
            }
            default:
                return new AugmentationDraws(zeros(new[] { n }, device: device), null);
        }
    }

    /// <summary>
    /// The fixed level of sampling (Ho et al. 2021, Sec. 4.1: one level for the whole batch) for low-resolution images
    /// of <paramref name="lowResolutionShape"/>: a Gaussian level s, a whole number in 0..<paramref name="timesteps"/>,
    /// with eps ~ N(0, I) from <paramref name="generator"/>; a blur sigma >= 0; None takes only 0.
    /// </summary>
    public static AugmentationDraws Fixed(NoiseAugmentation augmentation, long[] lowResolutionShape, double level, int timesteps,
        Device device, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(lowResolutionShape);
        ArgumentNullException.ThrowIfNull(generator);
        if (LevelProblem(augmentation, level, timesteps) is { } problem) throw new ArgumentOutOfRangeException(nameof(level), problem);
        long n = lowResolutionShape[0];
        using Scalar value = level.ToScalar();
        var levels = full(new[] { n }, value, dtype: ScalarType.Float32, device: device);
        var noise = augmentation == NoiseAugmentation.Gaussian ? randn(lowResolutionShape, generator: generator, device: device) : null;
        return new AugmentationDraws(levels, noise);
    }

    /// <summary>
    /// Why <paramref name="level"/> is no sampling level of <paramref name="augmentation"/> (a Gaussian level is a whole
    /// number of steps in 0..<paramref name="timesteps"/>, a blur sigma is at least 0, no augmentation takes only 0), or
    /// null when it is one.
    /// </summary>
    public static string? LevelProblem(NoiseAugmentation augmentation, double level, int timesteps)
    {
        bool valid = augmentation switch
        {
            NoiseAugmentation.Gaussian => level >= 0 && level <= timesteps && level == Math.Floor(level),
            NoiseAugmentation.Blur => level >= 0 && double.IsFinite(level),
            _ => level == 0,
        };
        if (valid) return null;
        var expected = augmentation switch
        {
            NoiseAugmentation.Gaussian => $"a whole number of steps in 0..{timesteps}",
            NoiseAugmentation.Blur => "a blur sigma >= 0 in low-resolution pixels",
            _ => "0: the stage was trained without augmentation",
        };
        return $"augmentation level {level.ToString(System.Globalization.CultureInfo.InvariantCulture)} is no {augmentation} level; use {expected}.";
    }

    /// <summary>
    /// The low-resolution images (N, C, h, w) augmented at these draws: <see cref="ConditioningAugmentation.Gaussian"/>,
    /// <see cref="ConditioningAugmentation.Blur"/>, or the images as they are.
    /// </summary>
    public Tensor Apply(NoiseAugmentation augmentation, Tensor lowResolution, Schedules.NoiseSchedule schedule) => augmentation switch
    {
        NoiseAugmentation.Gaussian => ConditioningAugmentation.Gaussian(lowResolution, Levels, Noise
            ?? throw new InvalidOperationException("Gaussian augmentation needs its noise."), schedule),
        NoiseAugmentation.Blur => ConditioningAugmentation.Blur(lowResolution, Levels),
        _ => lowResolution.alias(),
    };
}
