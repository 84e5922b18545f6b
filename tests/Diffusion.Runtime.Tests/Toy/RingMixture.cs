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
    public const double Std = 0.08;

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
