using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The DDPM reverse step (Ho et al. 2020, Algorithm 2) over the tables of a <see cref="SchedulerConfig"/>, usable without
/// a declared model and following diffusers' <c>DDPMScheduler</c>: same arguments, same timesteps, same float32
/// arithmetic by default, same draws from the generator.
/// </summary>
/// <remarks>
/// <para>Notation: x_t = <c>sample</c>, t = <c>timestep</c>, s = the previous timestep (t - 1, or the next inference
/// timestep once <see cref="SetTimesteps(int)"/> has run, or the caller's), abar_s = 1 for s &lt; 0. The step treats
/// (s, t) as one step of the process respaced to the visited timesteps: beta = 1 - abar_t / abar_s.</para>
/// <para><see cref="Step(Tensor, Tensor, Tensor, Generator?, Tensor?, Tensor?)"/> is a pure function of its arguments
/// and the tables when the previous timestep is passed; the only state is the inference timesteps that
/// <c>SetTimesteps</c> records for diffusers-style loops (not thread-safe to change while stepping).</para>
/// <para>Two deliberate differences from diffusers: <see cref="DdpmVarianceType.FixedLargeLog"/> draws with
/// sigma = exp(log(beta) / 2) where diffusers takes the square root of log(beta) (NaN), and the learned variance types
/// demand the doubled channels instead of failing later.</para>
/// </remarks>
public sealed class DdpmScheduler : IDisposable
{
    private long[] timesteps;
    private bool inferenceTimestepsSet;

    /// <summary>A scheduler over <paramref name="config"/> (diffusers' defaults when null).</summary>
    public DdpmScheduler(SchedulerConfig? config = null, DdpmVarianceType varianceType = DdpmVarianceType.FixedSmall)
    {
        if (!Enum.IsDefined(varianceType)) throw new ArgumentOutOfRangeException(nameof(varianceType), varianceType, "Unknown DDPM variance type.");
        Config = config ?? new SchedulerConfig();
        VarianceType = varianceType;
        Tables = new DiffusionScheduleTables(Config);
        timesteps = Enumerable.Range(0, Config.NumTrainTimesteps).Reverse().Select(t => (long)t).ToArray();
    }

    /// <summary>The configuration.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>How the step's variance is chosen.</summary>
    public DdpmVarianceType VarianceType { get; }

    /// <summary>beta_t, alpha_t and abar_t.</summary>
    public DiffusionScheduleTables Tables { get; }

    /// <summary>The timesteps a loop visits, descending: T-1..0 until <c>SetTimesteps</c> chooses fewer.</summary>
    public IReadOnlyList<long> Timesteps => timesteps;

    /// <summary>
    /// Chooses <paramref name="count"/> inference timesteps by <see cref="SchedulerConfig.TimestepSpacing"/> (and
    /// <see cref="SchedulerConfig.StepsOffset"/>), as diffusers' <c>set_timesteps(num_inference_steps)</c>; returns them.
    /// </summary>
    public IReadOnlyList<long> SetTimesteps(int count)
    {
        timesteps = InferenceTimesteps.Spaced(Config.TimestepSpacing, Config.NumTrainTimesteps, count, Config.StepsOffset);
        inferenceTimestepsSet = true;
        return timesteps;
    }

    /// <summary>Uses the caller's strictly descending timesteps, as diffusers' <c>set_timesteps(timesteps=...)</c>; returns them.</summary>
    public IReadOnlyList<long> SetTimesteps(IReadOnlyList<long> custom)
    {
        timesteps = InferenceTimesteps.Custom(custom, Config.NumTrainTimesteps);
        inferenceTimestepsSet = true;
        return timesteps;
    }

    /// <summary>The timestep a step from <paramref name="timestep"/> goes to: t - 1, or the next inference timestep once set; -1 ends the chain.</summary>
    public long PreviousTimestep(long timestep) =>
        inferenceTimestepsSet ? InferenceTimesteps.Previous(timesteps, timestep) : timestep - 1;

    /// <summary>
    /// sigma^2 of the step from <paramref name="timestep"/> to <paramref name="previousTimestep"/> (default
    /// <see cref="PreviousTimestep"/>) for the fixed variance types: beta~ = (1 - abar_s) / (1 - abar_t) beta, at least
    /// 1e-20 as diffusers clamps it (Ho et al. 2020, Eq. 7), or beta = 1 - abar_t / abar_s. Computed in the table dtype.
    /// </summary>
    public double GetVariance(long timestep, long? previousTimestep = null)
    {
        if (VarianceType is DdpmVarianceType.Learned or DdpmVarianceType.LearnedRange)
            throw new InvalidOperationException($"A {VarianceType} variance comes from the model output; GetVariance covers the fixed types only.");
        using var scope = NewDisposeScope();
        using var like = empty([], dtype: Tables.DType);
        var t = Tables.CheckedTimesteps(tensor(timestep), like, nameof(timestep));
        var s = Tables.CheckedTimesteps(tensor(previousTimestep ?? PreviousTimestep(timestep)), like, nameof(previousTimestep), long.MinValue);
        var abar = Tables.AlphaBarAt(t, like, Tables.One());
        var abarPrev = Tables.AlphaBarAt(s, like, Tables.One());
        using var one = 1.0.ToScalar();
        var beta = (abar / abarPrev).neg().add_(one, one);                  // beta = 1 - abar_t / abar_s
        var variance = VarianceType is DdpmVarianceType.FixedLarge or DdpmVarianceType.FixedLargeLog ? beta : PosteriorVariance(abar, abarPrev, beta);
        return variance.to(ScalarType.Float64).item<double>();
    }

    /// <summary>One step from the training timestep <paramref name="timestep"/>; see the tensor overload.</summary>
    public SchedulerStepOutput Step(Tensor modelOutput, long timestep, Tensor sample, Generator? generator = null, Tensor? varianceNoise = null, long? previousTimestep = null)
    {
        using var scope = NewDisposeScope();
        var result = Step(modelOutput, tensor(timestep), sample, generator, varianceNoise, previousTimestep is { } s ? tensor(s) : null);
        result.PrevSample.MoveToOuterDisposeScope();
        result.PredOriginalSample.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// x_s ~ p(x_s | x_t) from the network output at x_t = <paramref name="sample"/>. <paramref name="timestep"/> is one
    /// timestep (shape [] or [1]) or one per sample; <paramref name="previousTimestep"/> (same shape) defaults to
    /// <see cref="PreviousTimestep"/>. The noise z is <paramref name="varianceNoise"/> or drawn from
    /// <paramref name="generator"/>, and only when some t &gt; 0 (as diffusers: no draw at t = 0, no noise added there).
    /// </summary>
    public SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator = null, Tensor? varianceNoise = null, Tensor? previousTimestep = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        StepNoise.CheckSources(generator, varianceNoise, sample);
        using var scope = NewDisposeScope();
        var t = Tables.CheckedTimesteps(timestep, sample, nameof(timestep));
        var s = previousTimestep is null
            ? tensor(t.data<long>().Select(PreviousTimestep).ToArray()).reshape(t.shape)
            : Tables.CheckedTimesteps(previousTimestep, sample, nameof(previousTimestep), long.MinValue);
        var x = sample.to(Tables.DType);

        // 1. The model output, and the predicted variance when the network learns it (Nichol and Dhariwal 2021, Sec. 3.1)
        var (output, predictedVariance) = SplitOutput(modelOutput.to(Tables.DType), x);

        // 2. abar_t, abar_s, and the respaced step's beta = 1 - abar_t / abar_s (Ho et al. 2020, Eq. 4 and 7)
        using var one = 1.0.ToScalar();
        var abar = Tables.AlphaBarAt(t, x, Tables.One());
        var abarPrev = Tables.AlphaBarAt(s, x, Tables.One());
        var betaProd = abar.neg().add_(one, one);                             // 1 - abar_t
        var betaProdPrev = abarPrev.neg().add_(one, one);                     // 1 - abar_s
        var alpha = abar / abarPrev;                                          // alpha = abar_t / abar_s
        var beta = alpha.neg().add_(one, one);                                // beta = 1 - alpha

        // 3. x0_hat from the prediction (Ho et al. 2020, Eq. 15), clipped or thresholded (Saharia et al. 2022, Sec. 2.3)
        var (cleanSample, _) = PredictionConversion.Split(Config.PredictionType, output, x, abar.sqrt(), betaProd.sqrt());
        cleanSample = CleanSampleLimit.Apply(Config, cleanSample);

        // 4. The posterior mean mu~ = sqrt(abar_s) beta / (1 - abar_t) x0_hat + sqrt(alpha) (1 - abar_s) / (1 - abar_t) x_t (Ho et al. 2020, Eq. 7)
        var cleanCoef = abarPrev.sqrt() * beta / betaProd;
        var sampleCoef = alpha.sqrt() * betaProdPrev / betaProd;
        var previous = (cleanCoef * cleanSample).add(sampleCoef * x, one);

        // 5. x_s = mu~ + sigma z where t > 0 (Ho et al. 2020, Algorithm 2, line 4)
        using var zero = 0.ToScalar();
        var noisy = t.gt(zero);
        if (noisy.any().item<bool>())
        {
            var z = StepNoise.Get(generator, varianceNoise, x.shape, modelOutput.dtype, x.device, Tables.DType);
            var spread = StandardDeviation(abar, abarPrev, beta, predictedVariance) * z;
            if (!noisy.all().item<bool>())
            {
                var shape = new long[x.dim()];
                Array.Fill(shape, 1L);
                shape[0] = noisy.numel();
                spread = spread * noisy.reshape(shape).to(Tables.DType, x.device);   // no noise for the samples at t = 0
            }
            previous = previous.add(spread, one);
        }

        return SchedulerStepOutput.Escaping(previous, cleanSample, sample.dtype);
    }

    /// <summary>x_t from x_0 and eps (Ho et al. 2020, Eq. 4); see <see cref="DiffusionScheduleTables.AddNoise"/>.</summary>
    public Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps) => Tables.AddNoise(original, noise, timesteps);

    /// <summary>The velocity target (Salimans and Ho 2022, Sec. 4); see <see cref="DiffusionScheduleTables.GetVelocity"/>.</summary>
    public Tensor GetVelocity(Tensor sample, Tensor noise, Tensor timesteps) => Tables.GetVelocity(sample, noise, timesteps);

    /// <summary>(prediction, predicted variance or null): the learned types need the doubled channels diffusers splits.</summary>
    private (Tensor Output, Tensor? PredictedVariance) SplitOutput(Tensor output, Tensor sample)
    {
        if (VarianceType is not (DdpmVarianceType.Learned or DdpmVarianceType.LearnedRange)) return (output, null);
        if (output.dim() < 2 || sample.dim() < 2 || output.shape[1] != 2 * sample.shape[1])
            throw new ArgumentException(
                $"A {VarianceType} variance needs the model output to carry twice the sample's channels (prediction, then variance); it has shape [{string.Join(", ", output.shape)}] for a sample of [{string.Join(", ", sample.shape)}].", "modelOutput");
        var halves = output.split(sample.shape[1], 1);
        return (halves[0], halves[1]);
    }

    /// <summary>beta~ = (1 - abar_s) / (1 - abar_t) beta (Ho et al. 2020, Eq. 7), at least 1e-20 since its log is taken (as diffusers).</summary>
    private static Tensor PosteriorVariance(Tensor abar, Tensor abarPrev, Tensor beta)
    {
        using var one = 1.0.ToScalar();
        using var floor = 1e-20.ToScalar();
        return (abarPrev.neg().add_(one, one) / abar.neg().add_(one, one) * beta).clamp_min(floor);
    }

    /// <summary>sigma of the step for <see cref="VarianceType"/>.</summary>
    private Tensor StandardDeviation(Tensor abar, Tensor abarPrev, Tensor beta, Tensor? predictedVariance)
    {
        using var half = 0.5.ToScalar();
        using var one = 1.0.ToScalar();
        var small = PosteriorVariance(abar, abarPrev, beta);
        switch (VarianceType)
        {
            case DdpmVarianceType.FixedSmall: return small.sqrt();                             // sigma^2 = beta~ (Ho et al. 2020, Sec. 3.2)
            case DdpmVarianceType.FixedSmallLog: return small.log().mul(half).exp();           // sigma = exp(log(beta~) / 2)
            case DdpmVarianceType.FixedLarge: return beta.sqrt();                              // sigma^2 = beta (Ho et al. 2020, Sec. 3.2)
            case DdpmVarianceType.FixedLargeLog: return beta.log().mul(half).exp();            // sigma = exp(log(beta) / 2)
            case DdpmVarianceType.Learned: return predictedVariance!.sqrt();                   // the network's sigma^2
            case DdpmVarianceType.LearnedRange:
            {
                var fraction = predictedVariance!.add(one, one).mul(half);                     // f = (v + 1) / 2
                // f log beta + (1 - f) log beta~ (Nichol and Dhariwal 2021, Eq. 15)
                var logVariance = (fraction * beta.log()).add(fraction.neg().add_(one, one) * small.log(), one);
                return logVariance.mul(half).exp();
            }
            default: throw new InvalidOperationException($"Unknown DDPM variance type {VarianceType}.");
        }
    }

    /// <summary>Frees the tables.</summary>
    public void Dispose() => Tables.Dispose();
}
