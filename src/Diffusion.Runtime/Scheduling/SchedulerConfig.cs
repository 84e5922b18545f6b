using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The configuration shared by <see cref="DdpmScheduler"/> and <see cref="DdimScheduler"/>, one property per diffusers
/// <c>DDPMScheduler</c>/<c>DDIMScheduler</c> argument (snake_case there, PascalCase here) with diffusers' defaults, except
/// <see cref="LinearEnds"/>, which keeps this project's improved-diffusion scaling unless asked (equal at T = 1000).
/// </summary>
/// <remarks>
/// The arguments that belong to one sampler live on it: <c>variance_type</c> on <see cref="DdpmScheduler"/>,
/// <c>set_alpha_to_one</c> on <see cref="DdimScheduler"/>. <c>thresholding</c>, <c>dynamic_thresholding_ratio</c> and
/// <c>sample_max_value</c> are one optional <see cref="DynamicThresholding"/>.
/// </remarks>
public sealed record SchedulerConfig
{
    /// <summary>T, diffusers' <c>num_train_timesteps</c>.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>beta_1 of the linear schedules (Ho et al. 2020, Sec. 4: 1e-4).</summary>
    public double BetaStart { get; init; } = 0.0001;

    /// <summary>beta_T of the linear schedules (Ho et al. 2020, Sec. 4: 0.02).</summary>
    public double BetaEnd { get; init; } = 0.02;

    /// <summary>The layout of the betas; ignored when <see cref="TrainedBetas"/> is given.</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.Linear;

    /// <summary>Whether <see cref="BetaSchedule.Linear"/>'s ends are scaled by 1000 / T (the default) or taken as given (diffusers).</summary>
    public LinearBetaEnds LinearEnds { get; init; } = LinearBetaEnds.ScaledByThousandOverT;

    /// <summary>Explicit betas, one per training timestep (diffusers' <c>trained_betas</c>); null to use <see cref="BetaSchedule"/>.</summary>
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary>Rescale the betas to a zero terminal signal-to-noise ratio (Lin et al. 2024, Algorithm 1).</summary>
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>What the network predicts.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>Clip x0_hat to [-<see cref="ClipSampleRange"/>, <see cref="ClipSampleRange"/>] (diffusers' default: on); <see cref="Thresholding"/> takes precedence, as in diffusers.</summary>
    public bool ClipSample { get; init; } = true;

    /// <summary>The clipping bound of <see cref="ClipSample"/>.</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Dynamic thresholding of x0_hat (Saharia et al. 2022, Sec. 2.3); null for none. When set, <see cref="ClipSample"/> is not applied.</summary>
    public DynamicThresholding? Thresholding { get; init; }

    /// <summary>How <c>SetTimesteps</c> spaces the inference timesteps.</summary>
    public TimestepSpacing TimestepSpacing { get; init; } = TimestepSpacing.Leading;

    /// <summary>Added to every <see cref="TimestepSpacing.Leading"/> timestep (Stable Diffusion uses 1); the other spacings ignore it, as in diffusers.</summary>
    public int StepsOffset { get; init; }

    /// <summary>
    /// The dtype of the tables and of every step's arithmetic: float32 (the default) reproduces diffusers and PyTorch,
    /// whose published values depend on it; float64 is improved-diffusion's precision.
    /// </summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Throws, naming the property, when a value is outside its range or two values contradict each other.</summary>
    public void Validate()
    {
        if (NumTrainTimesteps < 1)
            throw new ArgumentOutOfRangeException(nameof(NumTrainTimesteps), NumTrainTimesteps, "A schedule needs at least one training timestep.");
        if (DType is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentOutOfRangeException(nameof(DType), DType, "Scheduler tables and arithmetic are float32 (diffusers' precision) or float64.");
        if (!Enum.IsDefined(BetaSchedule)) throw new ArgumentOutOfRangeException(nameof(BetaSchedule), BetaSchedule, "Unknown beta schedule.");
        if (!Enum.IsDefined(LinearEnds)) throw new ArgumentOutOfRangeException(nameof(LinearEnds), LinearEnds, "Unknown linear beta ends.");
        if (!Enum.IsDefined(PredictionType)) throw new ArgumentOutOfRangeException(nameof(PredictionType), PredictionType, "Unknown prediction type.");
        if (!Enum.IsDefined(TimestepSpacing)) throw new ArgumentOutOfRangeException(nameof(TimestepSpacing), TimestepSpacing, "Unknown timestep spacing.");
        if (TrainedBetas is not null)
        {
            if (TrainedBetas.Count != NumTrainTimesteps)
                throw new ArgumentException($"TrainedBetas has {TrainedBetas.Count} values for NumTrainTimesteps = {NumTrainTimesteps}; give one beta per training timestep.", nameof(TrainedBetas));
            int bad = TrainedBetas.ToList().FindIndex(b => !(b > 0 && b <= 1));
            if (bad >= 0)
                throw new ArgumentOutOfRangeException(nameof(TrainedBetas), $"TrainedBetas[{bad}] = {TrainedBetas[bad]} is outside (0, 1].");
        }
        else if (BetaSchedule != BetaSchedule.SquaredCosCapV2)
        {
            if (!(BetaStart > 0 && BetaStart <= 1))
                throw new ArgumentOutOfRangeException(nameof(BetaStart), BetaStart, "beta_start must lie in (0, 1].");
            if (!(BetaEnd > 0 && BetaEnd <= 1))
                throw new ArgumentOutOfRangeException(nameof(BetaEnd), BetaEnd, "beta_end must lie in (0, 1].");
        }
        if (ClipSample && !(ClipSampleRange > 0))
            throw new ArgumentOutOfRangeException(nameof(ClipSampleRange), ClipSampleRange, "The clipping range must be positive.");
        Thresholding?.Validate();
        if (StepsOffset < 0)
            throw new ArgumentOutOfRangeException(nameof(StepsOffset), StepsOffset, "The steps offset cannot be negative.");
    }
}
