using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>What to sample: how many, with which labels, in how many steps, how stochastic and how guided.</summary>
/// <param name="Count">Number of samples N (positive).</param>
/// <param name="Labels">Class labels (N, int64): the condition of a class-conditional model and the target y of
/// classifier guidance; null samples unconditionally.</param>
/// <param name="Steps">Number of sampler steps S on a respaced subsequence of the T training steps (1..T).</param>
/// <param name="Eta">DDIM's eta (Song et al. 2021, Eq. 16): 0 deterministic, 1 as stochastic as DDPM. DDPM ignores it.</param>
/// <param name="GuidanceScale">Classifier-free guidance weight w (Ho and Salimans 2022): 1 is the conditional model alone,
/// 0 the unconditional (null-label) model alone.</param>
public sealed record SampleRequest(int Count, Tensor? Labels = null, int Steps = 50, double Eta = 0.0, double GuidanceScale = 1.0)
{
    /// <summary>
    /// What the sampler does to x0_hat at every step: static clipping to [-1, 1] by default (as improved-diffusion's
    /// clip_denoised and diffusers' clip_sample), none, or Imagen's dynamic thresholding.
    /// </summary>
    public Diffusion.Dsl.Thresholding Thresholding { get; init; } = Diffusion.Dsl.Thresholding.Static;

    /// <summary>The percentile p of dynamic thresholding, in (0, 1] (Imagen uses 0.995).</summary>
    public double DynamicPercentile { get; init; } = Sampling.CleanSampleThreshold.DefaultPercentile;

    /// <summary>
    /// Classifier guidance toward <see cref="Labels"/> (Dhariwal and Nichol 2021), or null. It works with any model: an
    /// unconditional one, or a class-conditional one sampled with GuidanceScale = 0 (its null label) or combined with
    /// classifier-free guidance.
    /// </summary>
    public ClassifierGuidance? Classifier { get; init; }

    /// <summary>
    /// When this request is one process's share of a larger one: the rows it is (its Count samples, Labels of those
    /// rows). Every noise draw is then the whole request's, of which this share keeps its rows, so the shards together
    /// are the single-process samples (<see cref="Sampling.SamplingNoise"/>). Null: the request is the whole.
    /// </summary>
    public Sampling.SampleShard? Shard { get; init; }

    /// <summary>
    /// Which of the T training steps DDPM and DDIM visit (<see cref="Sampling.SamplingSteps"/>): null is the model's
    /// own choice, evenly spaced from T - 1 down for pixel models and <see cref="Scheduling.TimestepSpacing.Leading"/>
    /// for latent models (whose unclipped first step at T - 1 is ill-conditioned; see SamplingSteps). A distillation
    /// student samples on the grid its rounds trained on and takes null only.
    /// </summary>
    public Scheduling.TimestepSpacing? Spacing { get; init; }

    /// <summary>
    /// The precision of the transformer blocks' matrix products and attention (<see cref="Networks.Autocast"/>):
    /// float32 by default; bfloat16 is faster where the processor has bfloat16 instructions, at the rounding measured in
    /// docs/benchmarks.md. Networks without transformer blocks sample in float32 either way.
    /// </summary>
    public Networks.MatmulPrecision Precision { get; init; } = Networks.MatmulPrecision.Float32;

    /// <summary>Checks the request against a model with T training steps; throws with the offending option's name.</summary>
    public void Validate(int timesteps, int? classes, Schedules.NoiseSchedule? schedule = null)
    {
        if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), $"count = {Count}; sample at least one image.");
        Shard?.Validate(Count);
        if (Steps < 1 || Steps > timesteps)
            throw new ArgumentOutOfRangeException(nameof(Steps), $"steps = {Steps}; use 1..{timesteps} (the model's training timesteps).");
        if (!(DynamicPercentile > 0 && DynamicPercentile <= 1))
            throw new ArgumentOutOfRangeException(nameof(DynamicPercentile), $"percentile = {DynamicPercentile}; use a value in (0, 1].");
        if (Eta < 0) throw new ArgumentOutOfRangeException(nameof(Eta), $"eta = {Eta}; use eta >= 0.");
        if (Spacing is { } spacing && !Enum.IsDefined(spacing))
            throw new ArgumentOutOfRangeException(nameof(Spacing), $"spacing = {spacing}; use one of {string.Join(", ", Enum.GetNames<Scheduling.TimestepSpacing>())}.");
        if (Labels is not null && classes is null && Classifier is null)
            throw new ArgumentException("labels were given but the model is unconditional (labels are only the target of classifier guidance).", nameof(Labels));
        if (Labels is not null && Labels.shape[0] != Count)
            throw new ArgumentException($"labels has {Labels.shape[0]} entries for count = {Count}.", nameof(Labels));
        if (GuidanceScale != 1.0 && Labels is null)
            throw new ArgumentException($"guidance scale {GuidanceScale} needs labels and a class-conditional model.", nameof(GuidanceScale));
        if (GuidanceScale != 1.0 && classes is null)
            throw new ArgumentException($"guidance scale {GuidanceScale} needs a class-conditional model; this one is unconditional.", nameof(GuidanceScale));
        if (Classifier is not null)
        {
            if (Labels is null) throw new ArgumentException("classifier guidance needs labels: the classes y to guide toward.", nameof(Labels));
            if (schedule is not null) Classifier.Validate(schedule);
            int wanted = Classifier.Classifier.Classes;
            using var scope = NewDisposeScope();
            if (Labels.numel() > 0 && (Labels.min().item<long>() < 0 || Labels.max().item<long>() >= wanted))
                throw new ArgumentOutOfRangeException(nameof(Labels), $"labels must lie in 0..{wanted - 1}, the classes of the classifier '{Classifier.Classifier.Description.Name}'.");
        }
    }
}
