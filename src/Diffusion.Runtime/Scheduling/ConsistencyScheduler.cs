using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// Multistep consistency sampling (Song et al. 2023, Algorithm 1) with the behaviour of diffusers'
/// <c>CMStochasticIterativeScheduler</c>: its configuration, timesteps (the network's input 250 log s of each Karras
/// level, openai/consistency_models' convention), float32 levels, input scaling and step, and the same draws (one z per
/// step whenever there is more than one timestep, the last step included; none for one-step sampling).
/// </summary>
/// <remarks>
/// <para>Notation: timestep index i counts Karras levels from s_max (i = 0) to s_min (i = N - 1) over the N training
/// levels, so a timestep list such as [106, 0] (descending, as diffusers asks) selects the levels at ramps 0 and
/// 106 / (N - 1) of <see cref="KarrasSigmas.FromMaximum"/>: sampling starts at s_max.</para>
/// <para>The step is a function of its arguments and the schedule: the level comes from looking the timestep up, not
/// from a counter (diffusers' timesteps are distinct, so its counter finds the same level). Before
/// <see cref="SetTimesteps(int)"/> the schedule is the N training levels in float32 followed by s_min (diffusers keeps
/// them in float64 without s_min, so its last step there re-noises at the last level itself).</para>
/// </remarks>
public sealed class ConsistencyScheduler
{
    // openai/consistency_models (karras_diffusion.py, denoise): the network sees t = 1000 * 0.25 * log(s + 1e-44).
    private const double TimestepScale = 1000 * 0.25;
    private const double LogGuard = 1e-44;

    private double[] timesteps;
    private double[] sigmas;

    /// <summary>A scheduler over <paramref name="config"/> (diffusers' defaults when null), validated.</summary>
    public ConsistencyScheduler(ConsistencySchedulerConfig? config = null)
    {
        Config = config ?? new ConsistencySchedulerConfig();
        Config.Validate();
        int n = Config.NumTrainTimesteps;
        double step = 1.0 / (n - 1);  // numpy's linspace(0, 1, N): i * (1 / (N - 1)), last 1
        (timesteps, sigmas) = Schedule(Enumerable.Range(0, n).Select(i => i == n - 1 ? 1.0 : i * step).ToArray());
    }

    /// <summary>The configuration.</summary>
    public ConsistencySchedulerConfig Config { get; }

    /// <summary>The standard deviation of x_T: s_max (diffusers' <c>init_noise_sigma</c>).</summary>
    public double InitNoiseSigma => Config.SigmaMax;

    /// <summary>The timesteps a loop visits, 250 log s of each level, descending (diffusers' float64 values).</summary>
    public IReadOnlyList<double> Timesteps => timesteps;

    /// <summary>The levels, one per timestep and then s_min, as doubles holding diffusers' float32 values.</summary>
    public IReadOnlyList<double> Sigmas => sigmas;

    /// <summary>The count given to <see cref="SetTimesteps(int)"/>; null before it and after custom timesteps.</summary>
    public int? NumInferenceSteps { get; private set; }

    /// <summary>Whether the timesteps came from <see cref="SetTimesteps(IReadOnlyList{long})"/>.</summary>
    public bool CustomTimesteps { get; private set; }

    /// <summary>The network's timestep for level s: 1000 * 0.25 * log(s + 1e-44) (openai/consistency_models).</summary>
    public static double SigmaToTimestep(double sigma) => TimestepScale * Math.Log(sigma + LogGuard);

    /// <summary>
    /// <paramref name="count"/> levels at timestep indices 0, r, 2r, ... with r = N div count (diffusers'
    /// <c>set_timesteps(num_inference_steps)</c>); returns the timesteps.
    /// </summary>
    public IReadOnlyList<double> SetTimesteps(int count)
    {
        int n = Config.NumTrainTimesteps;
        if (count < 1 || count > n)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Choose 1..{n} steps (NumTrainTimesteps = {n}).");
        int ratio = n / count;
        (timesteps, sigmas) = Schedule(Enumerable.Range(0, count).Select(i => (double)(i * ratio) / (n - 1)).ToArray());
        NumInferenceSteps = count;
        CustomTimesteps = false;
        return timesteps;
    }

    /// <summary>
    /// The levels at the given timestep indices, strictly descending in [0, N) (diffusers'
    /// <c>set_timesteps(timesteps=...)</c>, which sorts them from s_max); returns the timesteps.
    /// </summary>
    public IReadOnlyList<double> SetTimesteps(IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int n = Config.NumTrainTimesteps;
        if (indices.Count == 0) throw new ArgumentException("Give at least one timestep.", nameof(indices));
        for (int i = 1; i < indices.Count; i++)
            if (indices[i] >= indices[i - 1])
                throw new ArgumentException(
                    $"timesteps must be in descending order: [{string.Join(", ", indices)}].", nameof(indices));
        if (indices[0] >= n)
            throw new ArgumentOutOfRangeException(nameof(indices),
                $"timesteps must start before NumTrainTimesteps = {n}: {indices[0]}.");
        if (indices[^1] < 0)
            throw new ArgumentOutOfRangeException(nameof(indices), $"timesteps cannot be negative: {indices[^1]} (0 is s_max).");
        (timesteps, sigmas) = Schedule(indices.Reverse().Select(t => (double)t / (n - 1)).ToArray());
        NumInferenceSteps = null;
        CustomTimesteps = true;
        return timesteps;
    }

    /// <summary>
    /// x / sqrt(s^2 + sigma_data^2), the network's input c_in(s) x (Karras et al. 2022, Table 1) at the timestep's level,
    /// divided in float32 as diffusers' <c>scale_model_input</c>.
    /// </summary>
    public Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        using var sd2 = (Config.SigmaData * Config.SigmaData).ToScalar();
        var sigma = Level(IndexOf(timestep), sample);
        return sample.div(sigma.mul(sigma).add_(sd2).sqrt_()).MoveToOuterDisposeScope();   // x / sqrt(s^2 + sd^2)
    }

    /// <summary>
    /// One step of Algorithm 1 (Song et al. 2023) from the level of <paramref name="timestep"/>: f = c_skip x + c_out F
    /// (clamped when <see cref="ConsistencySchedulerConfig.ClipDenoised"/>), then x_next = f + sqrt(s_hat^2 - s_min^2)
    /// s_noise z with s_hat the next level clamped to [s_min, s_max]. z is <paramref name="noise"/>, or drawn from
    /// <paramref name="generator"/> (PyTorch's global generator when both are null) whenever the schedule has more
    /// than one timestep; one-step sampling adds nothing.
    /// </summary>
    /// <returns>x_next and f (<see cref="SchedulerStepOutput.PredOriginalSample"/>), owned by the caller.</returns>
    public SchedulerStepOutput Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null,
        Tensor? noise = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        StepNoise.CheckSources(generator, noise, sample);
        using var scope = NewDisposeScope();
        int index = IndexOf(timestep);
        var sigma = Level(index, sample);
        var sigmaNext = Level(index + 1, sample);

        // 1. f = c_skip x + c_out F, clamped (Song et al. 2023, Eq. 5; diffusers' clip_denoised)
        var denoised = ConsistencySampler.Denoise(sample, modelOutput, sigma, Config.Scalings, Config.ClipDenoised);

        // 2. z ~ N(0, s_noise^2 I), none for one-step sampling (Algorithm 1 draws only when it re-noises)
        var z = timesteps.Length > 1
            ? StepNoise.Get(generator, noise, modelOutput.shape, modelOutput.dtype, modelOutput.device, modelOutput.dtype)
            : zeros_like(modelOutput);
        using var sNoise = Config.SNoise.ToScalar();
        z = z.mul(sNoise);

        // 3. x_next = f + sqrt(s_hat^2 - s_min^2) z, s_hat = s_next clamped to [s_min, s_max] (Algorithm 1, line 5)
        using var low = Config.SigmaMin.ToScalar();
        using var high = Config.SigmaMax.ToScalar();
        var next = ConsistencySampler.Renoise(denoised, sigmaNext.clamp(low, high), Config.SigmaMin, z);
        return SchedulerStepOutput.Escaping(next, denoised, next.dtype);
    }

    /// <summary>
    /// The position of <paramref name="timestep"/> in <see cref="Timesteps"/>; throws when it is not one of them.
    /// </summary>
    public int IndexOf(double timestep)
    {
        int index = Array.IndexOf(timesteps, timestep);
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(timestep), timestep,
                $"Not one of the scheduler's timesteps [{string.Join(", ", timesteps)}]; pass a value of Timesteps.");
        return index;
    }

    /// <summary>
    /// The float64 timesteps and float32 levels (then s_min) at the given ramps, ascending from s_max, as diffusers
    /// computes them: levels in float64 (Karras et al. 2022, Eq. 5), timesteps from those, levels cast to float32.
    /// </summary>
    private (double[] Timesteps, double[] Sigmas) Schedule(double[] ramps)
    {
        var levels = ramps.Select(Config.Levels.FromMaximum).ToArray();
        var steps = levels.Select(SigmaToTimestep).ToArray();
        var stored = levels.Append(Config.SigmaMin).Select(s => (double)(float)s).ToArray();
        return (steps, stored);
    }

    /// <summary>
    /// Level <paramref name="index"/> as a 0-d float32 tensor on the sample's device (diffusers'
    /// <c>self.sigmas[i]</c>).
    /// </summary>
    private Tensor Level(int index, Tensor like) => tensor((float)sigmas[index], dtype: ScalarType.Float32, device: like.device);
}
