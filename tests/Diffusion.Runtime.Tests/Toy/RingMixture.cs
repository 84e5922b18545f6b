using System;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Toy;

/// <summary>
/// Eight isotropic Gaussians of standard deviation <see cref="Std"/> with equal weights, their means evenly on a circle
/// of radius <see cref="Radius"/>: a 2-D density known in closed form, log p(x) = logsumexp_k log N(x; mu_k, s^2 I) - log 8.
/// </summary>
internal static class RingMixture
{
    public const int Modes = 8;
    public const double Radius = 0.7;
    public const double Std = 0.15;

    public static double[,] Means { get; } = BuildMeans();

    /// <summary>n points (n, 2, 1, 1) drawn from the mixture.</summary>
    public static Tensor Sample(int n, Generator generator)
    {
        using var scope = NewDisposeScope();
        var component = randint(0, Modes, [n], dtype: ScalarType.Int64, generator: generator);
        var means = MeansTensor().index_select(0, component);                                // (n, 2)
        var points = means + Std * randn([n, 2], generator: generator);                          // (n, 2)
        return points.to(ScalarType.Float32).reshape(n, 2, 1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>log p(x) for points (n, 2, ...) in nats, float64.</summary>
    public static Tensor LogDensity(Tensor points)
    {
        using var scope = NewDisposeScope();
        var x = points.reshape(points.shape[0], 2).to(ScalarType.Float64);                    // (n, 2)
        var squared = (x.unsqueeze(1) - MeansTensor().unsqueeze(0)).pow(2).sum([2L]);       // (n, K)
        var perComponent = -squared / (2 * Std * Std) - Math.Log(2 * Math.PI * Std * Std);   // log N(x; mu_k, s^2 I) in 2-D
        return (perComponent.logsumexp(1) - Math.Log(Modes)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The exact optimal noise predictor E[eps | x_t] for this mixture under a schedule with abar_t = alphaBar[t]: per
    /// component sqrt(1 - abar) (x_t - sqrt(abar) mu_k) / (abar s^2 + 1 - abar), weighted by the responsibilities
    /// r_k proportional to N(x_t; sqrt(abar) mu_k, (abar s^2 + 1 - abar) I).
    /// </summary>
    public static Tensor OptimalNoise(Tensor x, Tensor t, System.Collections.Generic.IReadOnlyList<double> alphaBar)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var points = x.reshape(n, 2).to(ScalarType.Float64);                                              // (n, 2)
        var abar = tensor(alphaBar.ToArray(), dtype: ScalarType.Float64).index_select(0, t).reshape(n, 1, 1); // (n, 1, 1)
        var variance = abar * (Std * Std) + (1 - abar);                                                     // (n, 1, 1)
        var centred = points.unsqueeze(1) - abar.sqrt() * MeansTensor().unsqueeze(0);                        // (n, K, 2)
        var responsibilities = (-0.5 * centred.pow(2).sum([2L], keepdim: true) / variance).softmax(1);       // (n, K, 1)
        var noise = ((1 - abar).sqrt() * centred / variance * responsibilities).sum([1L]);                  // (n, 2)
        return noise.to(x.dtype).reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>The share of points whose nearest mean is each mode (K).</summary>
    public static double[] ModeShares(Tensor points)
    {
        using var scope = NewDisposeScope();
        var x = points.reshape(points.shape[0], 2).to(ScalarType.Float64);
        var nearest = (x.unsqueeze(1) - MeansTensor().unsqueeze(0)).pow(2).sum([2L]).argmin(1);
        var counts = nearest.bincount(null, Modes).to(ScalarType.Float64) / points.shape[0];
        return counts.data<double>().ToArray();
    }

    private static Tensor MeansTensor()
    {
        var values = new double[Modes * 2];
        for (int k = 0; k < Modes; k++)
        {
            values[2 * k] = Means[k, 0];
            values[2 * k + 1] = Means[k, 1];
        }
        return tensor(values, dtype: ScalarType.Float64).reshape(Modes, 2);
    }

    private static double[,] BuildMeans()
    {
        var means = new double[Modes, 2];
        for (int k = 0; k < Modes; k++)
        {
            means[k, 0] = Radius * Math.Cos(2 * Math.PI * k / Modes);
            means[k, 1] = Radius * Math.Sin(2 * Math.PI * k / Modes);
        }
        return means;
    }
}
