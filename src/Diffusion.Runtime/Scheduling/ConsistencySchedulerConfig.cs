using System;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The configuration of <see cref="ConsistencyScheduler"/>, one property per argument of diffusers'
/// <c>CMStochasticIterativeScheduler</c> (snake_case there, PascalCase here) with its defaults, which are
/// openai/consistency_models' (Song et al. 2023, Appendix C).
/// </summary>
public sealed record ConsistencySchedulerConfig
{
    /// <summary>
    /// N, the number of Karras levels of the training discretisation (diffusers' <c>num_train_timesteps</c>: 40).
    /// </summary>
    public int NumTrainTimesteps { get; init; } = 40;

    /// <summary>s_min = epsilon, where f is the identity (Song et al. 2023: 0.002).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>s_max = T, the level sampling starts from (Song et al. 2023: 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>sigma_data of the scalings (Karras et al. 2022, Sec. 5: 0.5).</summary>
    public double SigmaData { get; init; } = 0.5;

    /// <summary>The factor on every re-noising z (Karras et al. 2022's S_noise; 1 in Song et al. 2023).</summary>
    public double SNoise { get; init; } = 1.0;

    /// <summary>rho of the Karras levels (Karras et al. 2022, Sec. 3: 7).</summary>
    public double Rho { get; init; } = 7.0;

    /// <summary>Clamp every denoised sample to [-1, 1] (diffusers' <c>clip_denoised</c>: on).</summary>
    public bool ClipDenoised { get; init; } = true;

    /// <summary>The Karras levels of this configuration.</summary>
    public KarrasSigmas Levels => new(SigmaMin, SigmaMax, Rho);

    /// <summary>The boundary-condition scalings of this configuration.</summary>
    public ConsistencyScalings Scalings => new(SigmaMin, SigmaData);

    /// <summary>Throws, naming the property, when a value is outside its range.</summary>
    public void Validate()
    {
        if (NumTrainTimesteps < 2)
            throw new ArgumentOutOfRangeException(nameof(NumTrainTimesteps), NumTrainTimesteps,
                "The Karras discretisation needs at least two levels (timesteps are spaced by 1 / (N - 1)).");
        Levels.Validate();
        Scalings.Validate();
        if (!(SNoise >= 0) || double.IsInfinity(SNoise))
            throw new ArgumentOutOfRangeException(nameof(SNoise), SNoise, "s_noise must be a finite number, 0 or above.");
    }
}
