using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The training process's tables, beta_t, alpha_t and abar_t, built once from a <see cref="SchedulerConfig"/> in its
/// dtype with the same tensor operations diffusers uses (float32 <c>linspace</c> and <c>cumprod</c> by default), so a
/// float32 table equals diffusers' bit for bit and a float64 one equals improved-diffusion's. Immutable; the tensors
/// live on the CPU outside every dispose scope until <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Notation (Ho et al. 2020, Sec. 2, training timesteps t = 0..T-1 as in diffusers, the paper's t + 1):
/// beta_t = <see cref="Betas"/>, alpha_t = 1 - beta_t, abar_t = prod_{s&lt;=t} alpha_s = <see cref="AlphasCumprod"/>.
/// </remarks>
public sealed class DiffusionScheduleTables : IDisposable
{
    private readonly Tensor betas;
    private readonly Tensor alphasCumprod;

    /// <summary>Builds the tables of <paramref name="config"/> (validated first).</summary>
    public DiffusionScheduleTables(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        NumTrainTimesteps = config.NumTrainTimesteps;
        DType = config.DType;
        using (NewDisposeScope())
        {
            var b = TrainingBetas(config);
            CheckBetas(b, config);
            if (config.RescaleBetasZeroSnr) b = RescaleZeroTerminalSnr(b);
            using var one = 1.0.ToScalar();
            var alphas = b.neg().add_(one, one);                                  // alpha_t = 1 - beta_t (Ho et al. 2020, Sec. 2)
            var cumprod = alphas.cumprod(0);                                 // abar_t = prod_{s<=t} alpha_s (Ho et al. 2020, Eq. 4)
            betas = b.DetachFromDisposeScope();
            alphasCumprod = cumprod.DetachFromDisposeScope();
            Betas = ToDoubles(betas);
            Alphas = ToDoubles(alphas);
            AlphasCumprod = ToDoubles(alphasCumprod);
        }
    }

    /// <summary>T.</summary>
    public int NumTrainTimesteps { get; }

    /// <summary>The tables' dtype, which is also every step's arithmetic dtype.</summary>
    public ScalarType DType { get; }

    /// <summary>beta_t, as doubles holding the table dtype's values.</summary>
    public IReadOnlyList<double> Betas { get; }

    /// <summary>alpha_t = 1 - beta_t.</summary>
    public IReadOnlyList<double> Alphas { get; }

    /// <summary>abar_t.</summary>
    public IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>
    /// The forward process q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) sampled with the caller's
    /// <paramref name="noise"/> (Ho et al. 2020, Eq. 4): x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps. diffusers'
    /// <c>add_noise</c>; <paramref name="timesteps"/> holds one timestep, or one per sample.
    /// </summary>
    public Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        RequireSameShape(noise, original, nameof(noise), nameof(original));
        using var scope = NewDisposeScope();
        var (sqrtAlphaBar, sqrtOneMinusAlphaBar) = Coefficients(timesteps, original, nameof(timesteps));
        var x0 = original.to(DType);
        var eps = noise.to(DType);
        var noisy = sqrtAlphaBar * x0 + sqrtOneMinusAlphaBar * eps;           // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4)
        return noisy.to(original.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The velocity target v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4), diffusers'
    /// <c>get_velocity</c>; <paramref name="sample"/> is x_0.
    /// </summary>
    public Tensor GetVelocity(Tensor sample, Tensor noise, Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        RequireSameShape(noise, sample, nameof(noise), nameof(sample));
        using var scope = NewDisposeScope();
        var (sqrtAlphaBar, sqrtOneMinusAlphaBar) = Coefficients(timesteps, sample, nameof(timesteps));
        var velocity = sqrtAlphaBar * noise.to(DType) - sqrtOneMinusAlphaBar * sample.to(DType);    // v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4)
        return velocity.to(sample.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// abar at <paramref name="timesteps"/> (int64 on the CPU, already checked), with <paramref name="pastTheEnd"/> where
    /// a timestep is negative; shaped to broadcast against <paramref name="like"/> ((), or (N, 1, ..., 1)) in
    /// <see cref="DType"/> on its device.
    /// </summary>
    internal Tensor AlphaBarAt(Tensor timesteps, Tensor like, Tensor pastTheEnd)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.ToScalar();
        var flat = timesteps.flatten();
        var picked = alphasCumprod.index_select(0, flat.clamp_min(zero));
        picked = where(flat.ge(zero), picked, pastTheEnd.to(DType).cpu());   // abar_s, or the value past the end of the chain when s < 0
        return Broadcastable(picked, timesteps, like).MoveToOuterDisposeScope();
    }

    /// <summary>The table's value at a negative previous timestep of a chain that ends with abar = 1 (Ho et al. 2020, Eq. 7's abar_0 = 1).</summary>
    internal Tensor One() => ones([], dtype: DType);

    /// <summary>abar_0, DDIM's value past the end when <c>set_alpha_to_one</c> is false.</summary>
    internal Tensor First() => alphasCumprod[0].clone();

    /// <summary>
    /// <paramref name="timesteps"/> as int64 on the CPU, each checked to lie in [<paramref name="lowest"/>, T); a 0-d
    /// tensor, or one value per sample of <paramref name="like"/> (or a single value).
    /// </summary>
    internal Tensor CheckedTimesteps(Tensor timesteps, Tensor like, string name, long lowest = 0)
    {
        ArgumentNullException.ThrowIfNull(timesteps, name);
        if (timesteps.is_floating_point() || timesteps.is_complex() || timesteps.dtype == ScalarType.Bool)
            throw new ArgumentException($"{name} must hold integer timesteps, not {timesteps.dtype}.", name);
        long count = timesteps.numel();
        if (count == 0) throw new ArgumentException($"{name} is empty.", name);
        if (timesteps.dim() > 1 || (timesteps.dim() == 1 && count != 1 && (like.dim() == 0 || count != like.shape[0])))
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", timesteps.shape)}]; give one timestep (shape [] or [1]) or one per sample ([{(like.dim() == 0 ? 1 : like.shape[0])}]).", name);
        var cpu = timesteps.to(ScalarType.Int64, CPU);
        long min = cpu.min().item<long>(), max = cpu.max().item<long>();
        if (min < lowest || max >= NumTrainTimesteps)
        {
            cpu.Dispose();
            throw new ArgumentOutOfRangeException(name, $"{name} holds {(min < lowest ? min : max)}; training timesteps are {lowest}..{NumTrainTimesteps - 1}.");
        }
        return cpu;
    }

    /// <summary>sqrt(abar_t) and sqrt(1 - abar_t) at checked timesteps, broadcastable against <paramref name="like"/>.</summary>
    private (Tensor SqrtAlphaBar, Tensor SqrtOneMinusAlphaBar) Coefficients(Tensor timesteps, Tensor like, string name)
    {
        var t = CheckedTimesteps(timesteps, like, name);
        using var one = 1.0.ToScalar();
        var alphaBar = Broadcastable(alphasCumprod.index_select(0, t.flatten()), t, like);
        return (alphaBar.sqrt(), alphaBar.neg().add_(one, one).sqrt());           // sqrt(abar_t), sqrt(1 - abar_t)
    }

    /// <summary>Values picked per timestep, shaped () for a 0-d timestep and (N, 1, ..., 1) otherwise, on like's device.</summary>
    private static Tensor Broadcastable(Tensor picked, Tensor timesteps, Tensor like)
    {
        if (timesteps.dim() == 0) return picked.reshape([]).to(like.device);
        var shape = new long[Math.Max(like.dim(), 1)];
        Array.Fill(shape, 1L);
        shape[0] = picked.shape[0];
        return picked.reshape(shape).to(like.device);
    }

    private static void RequireSameShape(Tensor a, Tensor b, string aName, string bName)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"{aName} has shape [{string.Join(", ", a.shape)}] but {bName} has [{string.Join(", ", b.shape)}].", aName);
    }

    /// <summary>beta_t for t = 0..T-1 in the config's dtype, before any zero-SNR rescaling.</summary>
    private static Tensor TrainingBetas(SchedulerConfig config)
    {
        int n = config.NumTrainTimesteps;
        var dtype = config.DType;
        if (config.TrainedBetas is not null) return tensor(config.TrainedBetas.ToArray(), dtype: dtype);
        switch (config.BetaSchedule)
        {
            case BetaSchedule.Linear:
            {
                // Ho et al. 2020, Sec. 4: beta linear from 1e-4 to 0.02 at T = 1000; improved-diffusion scales both ends
                // by 1000 / T so other T reach the same terminal SNR (Nichol and Dhariwal 2021, Sec. 3.2).
                double scale = config.LinearEnds == LinearBetaEnds.ScaledByThousandOverT ? 1000.0 / n : 1.0;
                return linspace(scale * config.BetaStart, scale * config.BetaEnd, n, dtype: dtype);
            }
            case BetaSchedule.ScaledLinear:
            {
                // Rombach et al. 2022 (diffusers' "scaled_linear"): sqrt(beta_t) linear between the ends' roots, squared.
                var roots = linspace(Math.Pow(config.BetaStart, 0.5), Math.Pow(config.BetaEnd, 0.5), n, dtype: dtype);
                return roots.mul(roots);
            }
            case BetaSchedule.SquaredCosCapV2:
            {
                // Nichol and Dhariwal 2021, Eq. 17: abar(t) = f(t) / f(0), f(t) = cos^2((t / T + s) / (1 + s) pi / 2), s = 0.008;
                // beta_t = 1 - abar(t + 1) / abar(t) capped at 0.999, computed in float64 and then cast, as diffusers does.
                static double F(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
                var values = new double[n];
                for (int i = 0; i < n; i++)
                    values[i] = Math.Min(1 - F((i + 1) / (double)n) / F(i / (double)n), 0.999);
                return tensor(values, dtype: dtype);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.BetaSchedule, "Unknown beta schedule.");
        }
    }

    private static void CheckBetas(Tensor betas, SchedulerConfig config)
    {
        double min = betas.min().to(ScalarType.Float64).item<double>(), max = betas.max().to(ScalarType.Float64).item<double>();
        if (min > 0 && max <= 1) return;
        string culprit = config.TrainedBetas is not null ? nameof(SchedulerConfig.TrainedBetas) : max > 1 ? nameof(SchedulerConfig.BetaEnd) : nameof(SchedulerConfig.BetaStart);
        string scaled = config.TrainedBetas is null && config.BetaSchedule == BetaSchedule.Linear && config.LinearEnds == LinearBetaEnds.ScaledByThousandOverT && config.NumTrainTimesteps != 1000
            ? $" after scaling by 1000 / T = {1000.0 / config.NumTrainTimesteps} (use LinearBetaEnds.AsGiven for diffusers' unscaled ends)"
            : "";
        throw new ArgumentOutOfRangeException(culprit, $"The betas run from {min} to {max}{scaled}; every beta must lie in (0, 1].");
    }

    /// <summary>
    /// Lin et al. 2024, Algorithm 1: sqrt(abar_t) shifted so its last value is 0 and scaled so its first keeps its value;
    /// the betas come back from ratios of consecutive cumulative products (so beta_{T-1} = 1, abar_{T-1} = 0).
    /// </summary>
    private static Tensor RescaleZeroTerminalSnr(Tensor betas)
    {
        if (betas.shape[0] < 2)
            throw new ArgumentException("A zero terminal SNR needs at least two training timesteps (the first keeps its value).", nameof(SchedulerConfig.RescaleBetasZeroSnr));
        using var one = 1.0.ToScalar();
        var sqrtAlphaBar = betas.neg().add_(one, one).cumprod(0).sqrt();          // sqrt(abar_t)
        var first = sqrtAlphaBar[0].clone();
        var last = sqrtAlphaBar[-1].clone();
        sqrtAlphaBar = sqrtAlphaBar - last;                                   // shift: the last value becomes 0 (Algorithm 1)
        sqrtAlphaBar = sqrtAlphaBar * (first / (first - last));               // scale: the first value is kept
        var alphaBar = sqrtAlphaBar * sqrtAlphaBar;                           // abar_t
        var alphas = cat([alphaBar[..1], alphaBar[1..] / alphaBar[..^1]], 0); // alpha_t = abar_t / abar_{t-1}
        return alphas.neg().add_(one, one);                                        // beta_t = 1 - alpha_t
    }

    private static IReadOnlyList<double> ToDoubles(Tensor values) => values.to(ScalarType.Float64).data<double>().ToArray();

    /// <summary>Frees the table tensors.</summary>
    public void Dispose()
    {
        betas.Dispose();
        alphasCumprod.Dispose();
    }
}
