using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A diagonal Gaussian N(mu, diag(sigma^2)) over latents (N, C, h, w): an autoencoder's posterior q(z | x) (Kingma and
/// Welling 2014, Sec. 2.4; Rombach et al. 2022, Sec. 3, LDM's <c>DiagonalGaussianDistribution</c>). Holds the mean and
/// the log-variance, clamped to [<see cref="MinLogVariance"/>, <see cref="MaxLogVariance"/>] as LDM does, so that
/// exp(log sigma^2) neither underflows to a zero variance nor overflows.
/// </summary>
public sealed class DiagonalGaussian : IDisposable
{
    /// <summary>Lower clamp of log sigma^2 (LDM, ldm/modules/distributions/distributions.py).</summary>
    public const double MinLogVariance = -30.0;

    /// <summary>Upper clamp of log sigma^2 (LDM, ldm/modules/distributions/distributions.py).</summary>
    public const double MaxLogVariance = 20.0;

    private static readonly long[] LatentDimensions = { 1, 2, 3 };

    /// <summary>The Gaussian of mean <paramref name="mean"/> and log-variance <paramref name="logVariance"/> (clamped), both (N, C, h, w).</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public DiagonalGaussian(Tensor mean, Tensor logVariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        if (!mean.shape.AsSpan().SequenceEqual(logVariance.shape))
            throw new ArgumentException($"mean {Shape(mean)} and log-variance {Shape(logVariance)} differ in shape.", nameof(logVariance));
        if (mean.dim() != 4) throw new ArgumentException($"mean {Shape(mean)}: expected (N, C, h, w).", nameof(mean));
        Mean = mean;
        using var min = MinLogVariance.ToScalar();
        using var max = MaxLogVariance.ToScalar();
        LogVariance = logVariance.clamp(min, max);
    }

    /// <summary>
    /// The Gaussian whose mean and log-variance are the two halves of <paramref name="moments"/> (N, 2C, h, w) along the
    /// channels, mean first, as an LDM encoder writes them.
    /// </summary>
    public static DiagonalGaussian FromMoments(Tensor moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        if (moments.dim() != 4 || moments.shape[1] % 2 != 0)
            throw new ArgumentException($"moments {Shape(moments)}: expected (N, 2C, h, w).", nameof(moments));
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, 1);                                    // mu, log sigma^2: (N, C, h, w) each
        return new DiagonalGaussian(halves[0], halves[1]).MoveToOuterDisposeScope();
    }

    /// <summary>mu (N, C, h, w).</summary>
    public Tensor Mean { get; private set; }

    /// <summary>log sigma^2 (N, C, h, w), clamped.</summary>
    public Tensor LogVariance { get; private set; }

    /// <summary>sigma = exp(log sigma^2 / 2) (N, C, h, w).</summary>
    public Tensor StandardDeviation()
    {
        using var half = 0.5.ToScalar();
        return LogVariance.mul(half).exp();
    }

    /// <summary>The mode (and mean) mu: the deterministic encoding.</summary>
    public Tensor Mode() => Mean.alias();

    /// <summary>
    /// z = mu + sigma eps, eps ~ N(0, I) drawn from <paramref name="generator"/> (the reparameterisation trick: Kingma
    /// and Welling 2014, Sec. 2.4), so gradients flow to mu and sigma. (N, C, h, w).
    /// </summary>
    public Tensor Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();    // the addition's alpha, disposed here rather than by the finalizer
        var eps = randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);    // (N, C, h, w)
        return Mean.add(StandardDeviation() * eps, one).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// KL(N(mu, sigma^2) || N(0, I)) of each sample, summed over its latent elements: 0.5 sum(mu^2 + sigma^2 - 1 -
    /// log sigma^2) (Kingma and Welling 2014, Appendix B). (N).
    /// </summary>
    public Tensor KlToStandardNormal()
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        using var half = 0.5.ToScalar();
        var elements = Mean.square().add(LogVariance.exp(), one) - LogVariance - one;    // (N, C, h, w)
        return elements.sum(LatentDimensions).mul(half).MoveToOuterDisposeScope();    // (N)
    }

    /// <summary>Moves the mean and log-variance to the dispose scope outside the current one; returns this.</summary>
    public DiagonalGaussian MoveToOuterDisposeScope()
    {
        Mean = Mean.MoveToOuterDisposeScope();
        LogVariance = LogVariance.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Disposes the mean and log-variance.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        LogVariance.Dispose();
    }

    private static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
