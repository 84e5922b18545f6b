using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Schedules;

/// <summary>
/// The tables of a discrete variance-preserving diffusion process (Ho et al. 2020), computed once in float64 the way
/// improved-diffusion's <c>gaussian_diffusion.py</c> does. Index i runs over this process's steps, 0..Length-1; for a
/// respaced process (<see cref="Respace"/>) <see cref="TimestepMap"/>[i] is the training timestep that step i stands
/// for, which is what the network is given. Immutable and stateless: every sampler step is a pure function of these
/// tables.
/// </summary>
/// <remarks>
/// Notation (SCOPE sections 1-2, with t = i + 1 in the paper's 1-based numbering):
/// beta_t = <see cref="Betas"/>, alpha_t = 1 - beta_t, abar_t = prod_{s&lt;=t} alpha_s = <see cref="AlphasCumprod"/>,
/// beta~_t = (1 - abar_{t-1}) / (1 - abar_t) beta_t = <see cref="PosteriorVariance"/>, and the posterior mean
/// mu~_t = <see cref="PosteriorMeanCoef1"/> x_0 + <see cref="PosteriorMeanCoef2"/> x_t.
/// </remarks>
public sealed class NoiseSchedule
{
    private readonly double[] betas;
    private readonly int[] timestepMap;

    private NoiseSchedule(double[] betas, int[] timestepMap)
    {
        for (int i = 0; i < betas.Length; i++)
        {
            if (!(betas[i] > 0 && betas[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(betas), $"beta[{i}] = {betas[i]} is outside (0, 1].");
        }

        this.betas = betas;
        this.timestepMap = timestepMap;
        int n = betas.Length;
        var alphas = betas.Select(b => 1.0 - b).ToArray();
        var alphasCumprod = new double[n];
        double product = 1.0;
        for (int i = 0; i < n; i++) alphasCumprod[i] = product *= alphas[i];
        var alphasCumprodPrev = new double[n];
        for (int i = 0; i < n; i++) alphasCumprodPrev[i] = i == 0 ? 1.0 : alphasCumprod[i - 1];

        var posteriorVariance = new double[n];
        var posteriorMeanCoef1 = new double[n];
        var posteriorMeanCoef2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            var step = ScheduleTransition.Between(betas[i], alphasCumprod[i], alphasCumprodPrev[i]);
            posteriorVariance[i] = step.PosteriorVariance;
            posteriorMeanCoef1[i] = step.PosteriorMeanCoef1;
            posteriorMeanCoef2[i] = step.PosteriorMeanCoef2;
        }

        Alphas = alphas;
        AlphasCumprod = alphasCumprod;
        AlphasCumprodPrev = alphasCumprodPrev;
        SqrtAlphasCumprod = alphasCumprod.Select(Math.Sqrt).ToArray();
        SqrtOneMinusAlphasCumprod = alphasCumprod.Select(a => Math.Sqrt(1.0 - a)).ToArray();
        PosteriorVariance = posteriorVariance;
        PosteriorMeanCoef1 = posteriorMeanCoef1;
        PosteriorMeanCoef2 = posteriorMeanCoef2;
        // beta~ is 0 at the first step; its log is clipped to the next value, as improved-diffusion does.
        PosteriorLogVarianceClipped = posteriorVariance
            .Select((v, i) => Math.Log(i == 0 && n > 1 ? posteriorVariance[1] : v)).ToArray();
        SignalToNoise = AlphasCumprod.Select(a => a / (1.0 - a)).ToArray();
        LogBetas = betas.Select(b => Math.Log(b)).ToArray();
    }

    /// <summary>Number of steps of this process (T for a training schedule, S for a respaced one).</summary>
    public int Length => betas.Length;

    /// <summary>beta_t.</summary>
    public IReadOnlyList<double> Betas => betas;

    /// <summary>alpha_t = 1 - beta_t.</summary>
    public IReadOnlyList<double> Alphas { get; }

    /// <summary>abar_t = prod_{s&lt;=t} alpha_s.</summary>
    public IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>abar_{t-1}, with abar_0 = 1.</summary>
    public IReadOnlyList<double> AlphasCumprodPrev { get; }

    /// <summary>sqrt(abar_t): the signal's coefficient in q(x_t | x_0).</summary>
    public IReadOnlyList<double> SqrtAlphasCumprod { get; }

    /// <summary>sqrt(1 - abar_t): the noise's standard deviation in q(x_t | x_0).</summary>
    public IReadOnlyList<double> SqrtOneMinusAlphasCumprod { get; }

    /// <summary>beta~_t, the variance of q(x_{t-1} | x_t, x_0).</summary>
    public IReadOnlyList<double> PosteriorVariance { get; }

    /// <summary>log beta~_t with the first entry (log 0) replaced by the second.</summary>
    public IReadOnlyList<double> PosteriorLogVarianceClipped { get; }

    /// <summary>log beta_t: the upper end of a learned log variance (Nichol and Dhariwal 2021, Eq. 15).</summary>
    public IReadOnlyList<double> LogBetas { get; }

    /// <summary>The coefficient of x_0 in mu~_t.</summary>
    public IReadOnlyList<double> PosteriorMeanCoef1 { get; }

    /// <summary>The coefficient of x_t in mu~_t.</summary>
    public IReadOnlyList<double> PosteriorMeanCoef2 { get; }

    /// <summary>SNR(t) = abar_t / (1 - abar_t).</summary>
    public IReadOnlyList<double> SignalToNoise { get; }

    /// <summary>The training timestep that step i of this process stands for (the identity unless respaced).</summary>
    public IReadOnlyList<int> TimestepMap => timestepMap;

    /// <summary>
    /// Ho et al. 2020: beta linear from 1e-4 to 0.02 for T = 1000; for other T both ends are scaled by 1000 / T (as
    /// improved-diffusion does) so the process reaches the same terminal signal-to-noise ratio.
    /// </summary>
    public static NoiseSchedule Linear(int timesteps)
    {
        RequirePositive(timesteps);
        double scale = 1000.0 / timesteps;
        double start = scale * 1e-4, end = scale * 0.02;
        var betas = new double[timesteps];
        for (int i = 0; i < timesteps; i++)
            betas[i] = timesteps == 1 ? start : start + (end - start) * i / (timesteps - 1);
        return new NoiseSchedule(betas, Identity(timesteps));
    }

    /// <summary>
    /// Nichol and Dhariwal 2021, Eq. 17: abar(t) = f(t) / f(0), f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2) with
    /// s = <paramref name="offset"/>; beta_t = 1 - abar(t) / abar(t - 1), clipped to at most <paramref name="maxBeta"/>.
    /// </summary>
    public static NoiseSchedule Cosine(int timesteps, double offset = 0.008, double maxBeta = 0.999)
    {
        RequirePositive(timesteps);
        double F(double t) => Math.Pow(Math.Cos((t / timesteps + offset) / (1 + offset) * Math.PI / 2), 2);
        var betas = new double[timesteps];
        for (int i = 0; i < timesteps; i++)
            betas[i] = Math.Min(1.0 - F(i + 1) / F(i), maxBeta);
        return new NoiseSchedule(betas, Identity(timesteps));
    }

    /// <summary>
    /// Latent diffusion (Rombach et al. 2022) as diffusers' "scaled_linear": sqrt(beta_t) linear from
    /// sqrt(<paramref name="start"/>) to sqrt(<paramref name="end"/>) over T steps, beta_t its square; not rescaled by T.
    /// </summary>
    public static NoiseSchedule ScaledLinear(int timesteps, double start = 0.00085, double end = 0.012)
    {
        RequirePositive(timesteps);
        double first = Math.Sqrt(start), last = Math.Sqrt(end);
        var betas = new double[timesteps];
        for (int i = 0; i < timesteps; i++)
        {
            double root = timesteps == 1 ? first : first + (last - first) * i / (timesteps - 1);
            betas[i] = root * root;
        }
        return new NoiseSchedule(betas, Identity(timesteps));
    }

    /// <summary>
    /// This process rescaled to a zero terminal signal-to-noise ratio (Lin et al. 2024, Algorithm 1): sqrt(abar_t) is
    /// shifted by its last value and scaled to keep its first, so abar_T = 0 and beta_T = 1; the betas are recovered
    /// from the ratios of consecutive cumulative products.
    /// </summary>
    public NoiseSchedule RescaleToZeroTerminalSnr()
    {
        if (Length < 2) throw new InvalidOperationException("A zero terminal SNR needs at least two steps (the first keeps its value).");
        double first = SqrtAlphasCumprod[0], last = SqrtAlphasCumprod[Length - 1];
        var rescaled = SqrtAlphasCumprod.Select(s => (s - last) * first / (first - last)).ToArray();
        var betas = new double[Length];
        double previous = 1.0;
        for (int i = 0; i < Length; i++)
        {
            double alphaBar = rescaled[i] * rescaled[i];
            betas[i] = 1.0 - alphaBar / previous;
            previous = alphaBar;
        }
        betas[Length - 1] = 1.0; // exactly: abar_T = 0
        return new NoiseSchedule(betas, timestepMap.ToArray());
    }

    /// <summary>
    /// The coefficients of one reverse step between any two steps of this process, <paramref name="step"/> t and an
    /// earlier <paramref name="previous"/> s (or -1 for the end of the chain, where abar_s = 1): the process respaced to
    /// (s, t), so beta = 1 - abar_t / abar_s (SCOPE section 1). Pure: a sampler step needs nothing else.
    /// </summary>
    public ScheduleTransition Transition(int step, int previous)
    {
        if (step < 0 || step >= Length)
            throw new ArgumentOutOfRangeException(nameof(step), $"step = {step}; use 0..{Length - 1}.");
        if (previous < -1 || previous >= step)
            throw new ArgumentOutOfRangeException(nameof(previous), $"previous = {previous} for step {step}; use -1..{step - 1} (-1 ends the chain).");
        double alphaBar = AlphasCumprod[step];
        double alphaBarPrev = previous < 0 ? 1.0 : AlphasCumprod[previous];
        return ScheduleTransition.Between(1.0 - alphaBar / alphaBarPrev, alphaBar, alphaBarPrev);
    }

    /// <summary>A process from explicit betas (each in (0, 1]).</summary>
    public static NoiseSchedule FromBetas(IReadOnlyList<double> betas) => new(betas.ToArray(), Identity(betas.Count));

    /// <summary>
    /// The shorter process on the subsequence tau_1 &lt; ... &lt; tau_S of this process's steps (SCOPE section 1):
    /// beta'_i = 1 - abar_{tau_i} / abar_{tau_{i-1}}, so its cumulative products equal the original ones on the
    /// subsequence. <see cref="TimestepMap"/> of the result maps each new step back to its training timestep, so
    /// samplers never juggle indices (improved-diffusion's <c>respace.py</c>).
    /// </summary>
    public NoiseSchedule Respace(IReadOnlyList<int> steps)
    {
        if (steps.Count == 0) throw new ArgumentException("Respacing needs at least one step.", nameof(steps));
        var sorted = steps.Distinct().OrderBy(s => s).ToArray();
        if (sorted.Length != steps.Count) throw new ArgumentException("Respaced steps must be distinct.", nameof(steps));
        if (sorted[0] < 0 || sorted[^1] >= Length)
            throw new ArgumentOutOfRangeException(nameof(steps), $"Respaced steps must lie in 0..{Length - 1}.");

        var newBetas = new double[sorted.Length];
        var map = new int[sorted.Length];
        double previous = 1.0;
        for (int k = 0; k < sorted.Length; k++)
        {
            double current = AlphasCumprod[sorted[k]];
            newBetas[k] = 1.0 - current / previous;
            previous = current;
            map[k] = timestepMap[sorted[k]];
        }
        return new NoiseSchedule(newBetas, map);
    }

    /// <summary>
    /// <paramref name="count"/> steps of 0..T-1 spaced as evenly as integers allow, always including the first and the
    /// last (improved-diffusion's <c>space_timesteps</c> with one section).
    /// </summary>
    public static int[] EvenlySpacedSteps(int timesteps, int count)
    {
        RequirePositive(timesteps);
        if (count < 1 || count > timesteps)
            throw new ArgumentOutOfRangeException(nameof(count), $"Cannot take {count} steps out of {timesteps}; use 1..{timesteps}.");
        if (count == 1) return [timesteps - 1];
        double stride = (timesteps - 1) / (double)(count - 1);
        return Enumerable.Range(0, count).Select(i => (int)Math.Round(i * stride, MidpointRounding.AwayFromZero)).ToArray();
    }

    /// <summary>
    /// table[t] for a batch of step indices, as float32 shaped (N, 1, ..., 1) to broadcast against a tensor of rank
    /// <paramref name="rank"/>, on t's device (improved-diffusion's <c>_extract_into_tensor</c>).
    /// </summary>
    public static Tensor Gather(IReadOnlyList<double> table, Tensor t, long rank)
    {
        using var scope = NewDisposeScope();
        var values = tensor(table as double[] ?? table.ToArray(), dtype: ScalarType.Float64, device: t.device);
        var picked = values.index_select(0, t).to(ScalarType.Float32);
        var shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = t.shape[0];
        return picked.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The forward process q(x_t | x_0) sampled with the caller's noise (Ho et al. 2020, Eq. 4; improved-diffusion's
    /// <c>q_sample</c>, diffusers' <c>add_noise</c>): x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps for x_0 (N, ...) at
    /// training steps t (N, int64), with the float64 tables gathered to float32 (<see cref="Gather"/>).
    /// </summary>
    public Tensor QSample(Tensor x0, Tensor t, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var sqrtAlphaBar = Gather(SqrtAlphasCumprod, t, x0.dim());                 // (N, 1, ..., 1)
        var sqrtOneMinusAlphaBar = Gather(SqrtOneMinusAlphasCumprod, t, x0.dim()); // (N, 1, ..., 1)
        using Scalar one = 1;    // the addition's alpha: operator + would leave one to the finalizer per step
        return (sqrtAlphaBar * x0).add(sqrtOneMinusAlphaBar * noise, one).MoveToOuterDisposeScope();
    }

    private static int[] Identity(int n) => Enumerable.Range(0, n).ToArray();

    private static void RequirePositive(int timesteps)
    {
        if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), $"T = {timesteps}; a schedule needs at least one step.");
    }
}
