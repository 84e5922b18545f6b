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
}
