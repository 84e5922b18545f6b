using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a diffusion model: a <see cref="NoiseScheduleAttribute"/> class, a network class (such as a
/// <see cref="DiffusionTransformerAttribute"/>) and what the network predicts. The generator adds, in one file per
/// concern: the model (network + schedule + description), the parameterization hub, the training loss and the
/// samplers named by <see cref="SamplerAttribute"/>.
/// </summary>
/// <example><code>
/// [DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Noise)]
/// [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
/// [ClassifierFreeGuidance(Scale = 4.0)]
/// public partial class MnistDiffusion;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DiffusionModelAttribute : Attribute
{
    /// <param name="schedule">A class declared with <see cref="NoiseScheduleAttribute"/>.</param>
    /// <param name="network">A class declared with <see cref="DiffusionTransformerAttribute"/>.</param>
    public DiffusionModelAttribute(Type schedule, Type network)
    {
        Schedule = schedule;
        Network = network;
    }

    /// <summary>The noise schedule class.</summary>
    public Type Schedule { get; }

    /// <summary>The network class.</summary>
    public Type Network { get; }

    /// <summary>What the network outputs (SCOPE section 4).</summary>
    public Prediction Predicts { get; set; } = Prediction.Noise;

    /// <summary>The reverse-process variance (SCOPE section 3); <see cref="ReverseVariance.Learned"/> needs a network declared with <c>LearnSigma = true</c>.</summary>
    public ReverseVariance Variance { get; set; } = ReverseVariance.FixedSmall;

    /// <summary>What training minimises: L_simple, the hybrid objective, or the variational bound.</summary>
    public Objective Objective { get; set; } = Objective.Simple;

    /// <summary>The weighting of the squared error in <see cref="Objective.Simple"/> and <see cref="Objective.Hybrid"/>.</summary>
    public LossWeighting Weighting { get; set; } = LossWeighting.Noise;

    /// <summary>gamma of <see cref="LossWeighting.MinSnr"/> (Hang et al. 2023 use 5); positive.</summary>
    public double MinSnrGamma { get; set; } = 5.0;

    /// <summary>
    /// Another name the command line's <c>--model</c> accepts for this model, in any case (such as "dit"): letters,
    /// digits, '-', '_' and '.', starting with a letter or digit. The class name is always accepted.
    /// </summary>
    public string? CommandName { get; set; }

    /// <summary>
    /// Whether commands take this model when several diffusion models are declared and no <c>--model</c> is given; at
    /// most one diffusion model of an assembly is the default.
    /// </summary>
    public bool IsDefault { get; set; }
}
