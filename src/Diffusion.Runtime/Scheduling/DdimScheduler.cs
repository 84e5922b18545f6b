using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The DDIM step (Song et al. 2021, Eq. 12, with sigma from Eq. 16) over the tables of a <see cref="SchedulerConfig"/>,
/// usable without a declared model and following diffusers' <c>DDIMScheduler</c>: same arguments (eta,
/// use_clipped_model_output, generator or variance_noise, set_alpha_to_one), same timesteps, same float32 arithmetic by
/// default, and the same draws: one whenever eta &gt; 0, the last step included, none at eta = 0.
/// </summary>
/// <remarks>
/// <para>Notation: x_t = <c>sample</c>, s = the previous timestep, abar_s = <see cref="FinalAlphaCumprod"/> when s &lt; 0
/// (1, or abar_0 without <c>set_alpha_to_one</c>).</para>
/// <para>The previous timestep is the caller's when given (the step is then a pure function of its arguments);
/// otherwise diffusers' rule, s = t - T div S with S from <see cref="SetTimesteps"/>, which for "trailing" and
/// "linspace" need not be the next inference timestep (diffusers' behaviour, kept so its numbers reproduce); with
/// <see cref="TimestepSpacing.ImprovedDiffusion"/> it is the next inference timestep.</para>
/// </remarks>
public sealed class DdimScheduler : IDisposable
{
    private readonly Tensor finalAlphaCumprod;
    private long[] timesteps;
    private int? inferenceSteps;

    /// <summary>A scheduler over <paramref name="config"/> (diffusers' defaults when null).</summary>
    /// <param name="config">The shared configuration.</param>
    /// <param name="setAlphaToOne">abar past the end of the chain: 1 (diffusers' default), or abar_0 when false.</param>
    public DdimScheduler(SchedulerConfig? config = null, bool setAlphaToOne = true)
    {
        Config = config ?? new SchedulerConfig();
        SetAlphaToOne = setAlphaToOne;
        Tables = new DiffusionScheduleTables(Config);
        finalAlphaCumprod = (setAlphaToOne ? Tables.One() : Tables.First()).DetachFromDisposeScope();
        timesteps = Enumerable.Range(0, Config.NumTrainTimesteps).Reverse().Select(t => (long)t).ToArray();
    }

    /// <summary>The configuration.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>Whether abar past the end of the chain is 1 (else abar_0).</summary>
    public bool SetAlphaToOne { get; }

    /// <summary>abar past the end of the chain, in the table dtype.</summary>
    public double FinalAlphaCumprod => finalAlphaCumprod.to(ScalarType.Float64).item<double>();

    /// <summary>beta_t, alpha_t and abar_t.</summary>
    public DiffusionScheduleTables Tables { get; }

    /// <summary>The timesteps a loop visits, descending: T-1..0 until <see cref="SetTimesteps"/>.</summary>
    public IReadOnlyList<long> Timesteps => timesteps;

    /// <summary>S once <see cref="SetTimesteps"/> has run.</summary>
    public int? NumInferenceSteps => inferenceSteps;

    /// <summary>
    /// Chooses <paramref name="count"/> inference timesteps by <see cref="SchedulerConfig.TimestepSpacing"/> (and
    /// <see cref="SchedulerConfig.StepsOffset"/>), as diffusers' <c>set_timesteps</c>; returns them.
    /// </summary>
    public IReadOnlyList<long> SetTimesteps(int count)
    {
        timesteps = InferenceTimesteps.Spaced(Config.TimestepSpacing, Config.NumTrainTimesteps, count, Config.StepsOffset);
        inferenceSteps = count;
        return timesteps;
    }

    /// <summary>The timestep a step from <paramref name="timestep"/> goes to by default (see the remarks); negative ends the chain.</summary>
    public long PreviousTimestep(long timestep)
    {
        if (inferenceSteps is not { } count)
            throw new InvalidOperationException("DDIM's previous timestep depends on the number of inference steps: call SetTimesteps first, or pass previousTimestep.");
        return Config.TimestepSpacing == TimestepSpacing.ImprovedDiffusion
            ? InferenceTimesteps.Previous(timesteps, timestep)
            : timestep - Config.NumTrainTimesteps / count;                   // diffusers: t - T div S
    }

    /// <summary>
    /// The DDPM posterior variance between <paramref name="timestep"/> t and <paramref name="previousTimestep"/> s,
    /// (1 - abar_s) / (1 - abar_t) (1 - abar_t / abar_s), whose square root times eta is sigma (Song et al. 2021,
    /// Eq. 16); 0 when s = t. Computed in the table dtype.
    /// </summary>
    public double GetVariance(long timestep, long previousTimestep)
    {
        using var scope = NewDisposeScope();
        using var like = empty([], dtype: Tables.DType);
        var t = Tables.CheckedTimesteps(tensor(timestep), like, nameof(timestep));
        var s = Tables.CheckedTimesteps(tensor(previousTimestep), like, nameof(previousTimestep), long.MinValue);
        return Variance(Tables.AlphaBarAt(t, like, finalAlphaCumprod), Tables.AlphaBarAt(s, like, finalAlphaCumprod))
            .to(ScalarType.Float64).item<double>();
    }

    /// <summary>One step from the training timestep <paramref name="timestep"/>; see the tensor overload.</summary>
    public SchedulerStepOutput Step(Tensor modelOutput, long timestep, Tensor sample, double eta = 0.0, bool useClippedModelOutput = false,
        Generator? generator = null, Tensor? varianceNoise = null, long? previousTimestep = null)
    {
        using var scope = NewDisposeScope();
        var result = Step(modelOutput, tensor(timestep), sample, eta, useClippedModelOutput, generator, varianceNoise, previousTimestep is { } s ? tensor(s) : null);
        result.PrevSample.MoveToOuterDisposeScope();
        result.PredOriginalSample.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// x_s from the network output at x_t = <paramref name="sample"/> (Song et al. 2021, Eq. 12). <paramref name="timestep"/>
    /// is one timestep (shape [] or [1]) or one per sample; <paramref name="previousTimestep"/> (same shape) defaults to
    /// <see cref="PreviousTimestep"/>. At <paramref name="eta"/> = 0 the step is deterministic and needs neither a
    /// generator nor noise; above 0 the noise is <paramref name="varianceNoise"/> or drawn from
    /// <paramref name="generator"/> (PyTorch's global generator when both are null, as diffusers).
    /// <paramref name="useClippedModelOutput"/> re-derives eps_hat from the clipped or thresholded x0_hat.
    /// </summary>
    public SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, double eta = 0.0, bool useClippedModelOutput = false,
        Generator? generator = null, Tensor? varianceNoise = null, Tensor? previousTimestep = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        if (!(eta >= 0) || double.IsInfinity(eta))
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be a finite number at least 0 (0: deterministic DDIM, 1: DDPM's variance).");
        if (!modelOutput.shape.SequenceEqual(sample.shape))
            throw new ArgumentException($"modelOutput has shape [{string.Join(", ", modelOutput.shape)}] but the sample has [{string.Join(", ", sample.shape)}].", nameof(modelOutput));
        StepNoise.CheckSources(generator, varianceNoise, sample);
        using var scope = NewDisposeScope();
        var t = Tables.CheckedTimesteps(timestep, sample, nameof(timestep));
        var s = previousTimestep is null
            ? tensor(t.data<long>().Select(PreviousTimestep).ToArray()).reshape(t.shape)
            : Tables.CheckedTimesteps(previousTimestep, sample, nameof(previousTimestep), long.MinValue);
        var x = sample.to(Tables.DType);
        var output = modelOutput.to(Tables.DType);

        // 1. abar_t and abar_s (abar past the end of the chain when s < 0)
        using var one = 1.0.ToScalar();
        var abar = Tables.AlphaBarAt(t, x, finalAlphaCumprod);
        var abarPrev = Tables.AlphaBarAt(s, x, finalAlphaCumprod);
        var sqrtAlphaBar = abar.sqrt();
        var sqrtOneMinusAlphaBar = abar.neg().add_(one, one).sqrt();

        // 2. x0_hat and eps_hat from the prediction (Song et al. 2021, Eq. 12's "predicted x_0"; Salimans and Ho 2022 for v)
        var (cleanSample, noise) = PredictionConversion.Split(Config.PredictionType, output, x, sqrtAlphaBar, sqrtOneMinusAlphaBar);

        // 3. x0_hat clipped or thresholded (Saharia et al. 2022, Sec. 2.3)
        cleanSample = CleanSampleLimit.Apply(Config, cleanSample);

        // 4. sigma = eta sqrt((1 - abar_s) / (1 - abar_t)) sqrt(1 - abar_t / abar_s) (Song et al. 2021, Eq. 16)
        using var etaScalar = eta.ToScalar();
        var sigma = Variance(abar, abarPrev).sqrt().mul(etaScalar);

        // 5. eps_hat re-derived from the limited x0_hat when asked (diffusers' use_clipped_model_output; Ho et al. 2020, Eq. 4)
        if (useClippedModelOutput) noise = PredictionConversion.NoiseFromCleanSample(x, cleanSample, sqrtAlphaBar, sqrtOneMinusAlphaBar);

        // 6. x_s = sqrt(abar_s) x0_hat + sqrt(1 - abar_s - sigma^2) eps_hat (Song et al. 2021, Eq. 12)
        var direction = (abarPrev.neg().add_(one, one) - sigma * sigma).sqrt() * noise;
        var previous = (abarPrev.sqrt() * cleanSample).add(direction, one);

        // 7. + sigma z, drawn whenever eta > 0 (Song et al. 2021, Eq. 12's random noise term)
        if (eta > 0)
        {
            var z = StepNoise.Get(generator, varianceNoise, x.shape, modelOutput.dtype, x.device, Tables.DType);
            previous = previous.add(sigma * z, one);
        }

        return SchedulerStepOutput.Escaping(previous, cleanSample, sample.dtype);
    }

    /// <summary>x_t from x_0 and eps (Ho et al. 2020, Eq. 4); see <see cref="DiffusionScheduleTables.AddNoise"/>.</summary>
    public Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps) => Tables.AddNoise(original, noise, timesteps);

    /// <summary>The velocity target (Salimans and Ho 2022, Sec. 4); see <see cref="DiffusionScheduleTables.GetVelocity"/>.</summary>
    public Tensor GetVelocity(Tensor sample, Tensor noise, Tensor timesteps) => Tables.GetVelocity(sample, noise, timesteps);

    /// <summary>(1 - abar_s) / (1 - abar_t) (1 - abar_t / abar_s): DDPM's posterior variance between t and s (Song et al. 2021, Eq. 16 with eta = 1).</summary>
    private static Tensor Variance(Tensor abar, Tensor abarPrev)
    {
        using var one = 1.0.ToScalar();
        return abarPrev.neg().add_(one, one) / abar.neg().add_(one, one) * (abar / abarPrev).neg().add_(one, one);
    }

    /// <summary>Frees the tables.</summary>
    public void Dispose()
    {
        finalAlphaCumprod.Dispose();
        Tables.Dispose();
    }
}
