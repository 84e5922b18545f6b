using System;

namespace Diffusion.Runtime.Models;

/// <summary>
/// Classifier guidance for a sampler (Dhariwal and Nichol 2021, Algorithm 2): every step replaces the model's noise
/// prediction by eps_hat = eps_theta(x_t, t) - s sqrt(1 - abar_t) grad_{x_t} log p_phi(y | x_t, t), with y the
/// request's labels. s = 0 leaves the sampler unguided.
/// </summary>
/// <param name="Classifier">The noisy classifier p_phi, trained on the guided model's schedule.</param>
/// <param name="Scale">The guidance scale s (>= 0; the paper uses 1 to 10).</param>
public sealed record ClassifierGuidance(INoisyClassifier Classifier, double Scale)
{
    /// <summary>Throws when the scale is negative or not finite, or the classifier's schedule is not <paramref name="schedule"/>.</summary>
    public void Validate(Schedules.NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(Classifier, nameof(Classifier));
        if (!(Scale >= 0 && double.IsFinite(Scale)))
            throw new ArgumentOutOfRangeException(nameof(Scale), $"classifier guidance scale = {Scale}; use a finite s >= 0.");
        var own = Classifier.Schedule.AlphasCumprod;
        var other = schedule.AlphasCumprod;
        if (own.Count != other.Count)
            throw new ArgumentException($"the classifier '{Classifier.Description.Name}' was trained on T = {own.Count} timesteps, the model has T = {other.Count}; train the classifier on the model's schedule.", nameof(Classifier));
        for (int i = 0; i < own.Count; i++)
        {
            if (Math.Abs(own[i] - other[i]) > 1e-12)
                throw new ArgumentException($"the classifier '{Classifier.Description.Name}' was trained on another noise schedule (abar_{i} = {own[i]} vs the model's {other[i]}); train it on the model's schedule.", nameof(Classifier));
        }
    }
}
