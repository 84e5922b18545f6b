using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a noisy classifier p_phi(y | x_t, t) for classifier guidance (Dhariwal and Nichol 2021, Sec. 4): a network
/// (a <see cref="UNetEncoderAttribute"/> class) trained with cross-entropy on x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t)
/// eps at uniformly drawn t of the <see cref="NoiseScheduleAttribute"/> class it names, which must be the schedule of
/// the diffusion model it will guide. The generator adds the training loss, the logits and
/// grad_{x_t} log p_phi(y | x_t, t), which the samplers of every diffusion model take through
/// <c>SampleRequest.Classifier</c>.
/// </summary>
/// <example><code>
/// [NoisyClassifier(typeof(MnistSchedule), typeof(MnistClassifierEncoder))]
/// public partial class MnistNoisyClassifier;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NoisyClassifierAttribute : Attribute
{
    /// <param name="schedule">A class declared with <see cref="NoiseScheduleAttribute"/>.</param>
    /// <param name="network">A class declared with <see cref="UNetEncoderAttribute"/>.</param>
    public NoisyClassifierAttribute(Type schedule, Type network)
    {
        Schedule = schedule;
        Network = network;
    }

    /// <summary>The noise schedule class.</summary>
    public Type Schedule { get; }

    /// <summary>The network class.</summary>
    public Type Network { get; }

    /// <summary>
    /// Another name the command line's <c>--model</c> and <c>--classifier-model</c> accept for this classifier, in any
    /// case (such as "noisy-classifier"): letters, digits, '-', '_' and '.', starting with a letter or digit. The class
    /// name is always accepted.
    /// </summary>
    public string? CommandName { get; set; }

    /// <summary>
    /// Whether guided commands take this classifier when several noisy classifiers are declared and none is named; at
    /// most one noisy classifier of an assembly is the default.
    /// </summary>
    public bool IsDefault { get; set; }
}
