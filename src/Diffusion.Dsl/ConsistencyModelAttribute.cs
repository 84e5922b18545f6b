using System;

namespace Diffusion.Dsl;

/// <summary>
/// Makes a <see cref="DiffusionModelAttribute"/> declaration a consistency model (Song et al. 2023): the generator adds
/// {Model}.Consistency.g.cs with the consistency function f(x, s), the consistency-training loss (Song and Dhariwal
/// 2023) or, with a <see cref="Teacher"/>, the consistency-distillation loss (Song et al. 2023, Algorithm 2), and
/// <see cref="SamplerKind.Consistency"/> samples with it in one or a few steps (Algorithm 1).
/// </summary>
/// <remarks>
/// <para>How the declared network is read. Consistency models live in the variance-exploding form x = x_0 + s z; the
/// declared network is variance-preserving. At a level s the generated f evaluates the network at
/// x_vp = x / sqrt(1 + s^2) (abar = 1 / (1 + s^2): Song et al. 2023, Sec. 3, after Kingma et al. 2021) and at the
/// fractional training timestep of s (log-linear between the schedule's levels s_t = sqrt((1 - abar_t) / abar_t)),
/// converts its output to the clean-sample estimate D through the model's parameterization hub (whatever
/// <c>Predicts</c> is), and returns f = c_skip(s) x + ((s - s_min) / s) (D - c_skip^EDM(s) x), the consistency
/// parameterization with the raw output implied by D (Song et al. 2023, Eq. 5 and Appendix C; Karras et al. 2022,
/// Table 1; the derivation is in Diffusion.Runtime.Scheduling.DenoiserConsistency). So f(x, s_min) = x holds by
/// construction, and a student initialised from a diffusion model's weights starts as that model's one-step
/// denoiser: distillation and training begin from a good point instead of from noise.</para>
/// <para>Why not the Latent Consistency Models formulation (Luo et al. 2023), which keeps the discrete VP timesteps
/// and puts c_skip, c_out on the timestep index: its boundary condition holds only at the schedule's first timestep
/// and its noise levels are the teacher's respaced timesteps, so the Karras levels, the re-noising of Algorithm 1 and
/// the improved training of Song and Dhariwal 2023 (all stated in s) would each need a translation; in s they are used
/// as published, and the VP network is only ever evaluated where it was trained.</para>
/// <para>How the noise range meets the schedule: levels are continuous, the network was trained only on
/// [s_0, s_{T-1}] of its schedule (the cosine schedule's s_0 is about 0.0064, above the usual s_min = 0.002; the
/// scaled-linear schedule's s_{T-1} is about 14.6, below the usual s_max = 80). The rule: the math (c_skip, the
/// weights, the re-noising, x_vp) always uses the true level s; the network is conditioned on the timestep of s
/// clamped to [s_0, s_{T-1}] (diffusers' implicit clamping, made explicit). Below s_0 the factor (s - s_min) / s is
/// small and f is nearly x; above s_{T-1} x_vp is nearly pure noise in either case. A schedule rescaled to a zero
/// terminal SNR has no finite s_{T-1}; its last timestep is left out of the table.</para>
/// <para>Guidance: a consistency model distilled from a guided teacher learns the guided ODE at the teacher's declared
/// scale w, so w is baked in; sample it with GuidanceScale = 1.</para>
/// </remarks>
/// <example><code>
/// [DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.CleanSample)]
/// [Sampler(SamplerKind.Consistency)]
/// [ConsistencyModel(SigmaMin = 0.0064, SigmaMax = 80, Teacher = typeof(MnistDiffusion))]
/// public partial class MnistConsistency;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ConsistencyModelAttribute : Attribute
{
    /// <summary>s_min = epsilon, where f is the identity (Song et al. 2023: 0.002); above 0, below <see cref="SigmaMax"/>.</summary>
    public double SigmaMin { get; set; } = 0.002;

    /// <summary>s_max = T, the level sampling starts from (Song et al. 2023: 80).</summary>
    public double SigmaMax { get; set; } = 80.0;

    /// <summary>sigma_data, the data's standard deviation in c_skip and c_out (Karras et al. 2022, Sec. 5: 0.5).</summary>
    public double SigmaData { get; set; } = 0.5;

    /// <summary>rho of the Karras levels (Karras et al. 2022, Eq. 5 and Sec. 3: 7).</summary>
    public double Rho { get; set; } = 7.0;

    /// <summary>
    /// Null: consistency training from data (Song and Dhariwal 2023). Else a <see cref="DiffusionModelAttribute"/> class
    /// with the same schedule and network type and a <see cref="SamplerKind.Ddim"/> sampler: consistency distillation
    /// (Song et al. 2023, Algorithm 2) with one deterministic DDIM step of that teacher per pair of levels.
    /// </summary>
    public Type? Teacher { get; set; }
}
