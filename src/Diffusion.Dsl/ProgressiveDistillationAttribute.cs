using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares the <see cref="DiffusionModelAttribute"/> class it is placed on as the student of progressive distillation
/// (Salimans and Ho 2022, Algorithm 2): initialised from the teacher's weights, the student learns to do two of the
/// teacher's deterministic DDIM steps (eta = 0) in one, on the target
/// x~ = (z_t'' - (sigma_t'' / sigma_t) z_t) / (alpha_t'' - (sigma_t'' / sigma_t) alpha_t) with alpha_t = sqrt(abar_t),
/// sigma_t = sqrt(1 - abar_t), weighted by max(SNR(t), 1) ("truncated SNR", Sec. 4). The student of one round is the
/// teacher of the next, halving the steps each round.
/// </summary>
/// <remarks>
/// The student must have the teacher's network (to start from its weights) and schedule (for its targets), declare
/// [Sampler(SamplerKind.Ddim)], and predict <see cref="Prediction.Velocity"/> or <see cref="Prediction.CleanSample"/>:
/// at a few steps x_t carries almost no signal about x_0 at high noise, and x0 = (x_t - sigma eps) / alpha amplifies
/// the errors of a noise prediction by 1 / alpha (Salimans and Ho 2022, Sec. 4). The teacher must declare
/// [Sampler(SamplerKind.Ddim)]. A guided teacher's guidance is baked into the student (Meng et al. 2023, stage one at
/// a fixed w): the student is sampled with one conditional pass, guidance weight 1. Its DDIM sampler visits the
/// "trailing" timesteps round(T - k T / S) - 1 that the rounds train on.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ProgressiveDistillationAttribute : Attribute
{
    /// <param name="teacher">The [DiffusionModel] class whose DDIM sampler the student learns to shortcut.</param>
    public ProgressiveDistillationAttribute(Type teacher) => Teacher = teacher;

    /// <summary>The [DiffusionModel] class whose DDIM sampler the student learns to shortcut.</summary>
    public Type Teacher { get; }

    /// <summary>
    /// The classifier-free guidance weight w (Ho and Salimans 2022, Eq. 6) at which the teacher is run. 1 is one
    /// conditional pass (no guidance), 0 one pass with the null label; another w runs both passes and needs a teacher
    /// that declares [ClassifierFreeGuidance]. Not set: the teacher's declared [ClassifierFreeGuidance] Scale, or 1 when
    /// it declares none. (The value read here without setting it, 1, is what a teacher without guidance uses.)
    /// </summary>
    public double Guidance { get; set; } = 1.0;
}
