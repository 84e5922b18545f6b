using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a cascade (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): a base <see cref="DiffusionModelAttribute"/>
/// class at low resolution followed by super-resolution stages (<see cref="SuperResolutionAttribute"/>), each
/// conditioned on the stage before it. The generator adds one method that samples the whole chain, stage k from stage
/// k - 1's output, with the same labels and guidance weight at every stage, and can return each stage's images.
/// </summary>
/// <remarks>
/// Stage k's FromSize must be stage k - 1's InputSize, and the channels must agree. Each stage trains on its own
/// (<c>train --model</c> a stage); <c>sample --model</c> the cascade loads a checkpoint per stage.
/// </remarks>
/// <example><code>
/// [Cascade(typeof(MnistBase14), typeof(MnistSr28), CommandName = "cascade")]
/// public partial class MnistCascade;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CascadeAttribute : Attribute
{
    /// <param name="stages">The base model, then each super-resolution stage in order of resolution.</param>
    public CascadeAttribute(params Type[] stages) => Stages = stages;

    /// <summary>The base model, then each super-resolution stage.</summary>
    public Type[] Stages { get; }

    /// <summary>
    /// Another name the command line's <c>--model</c> accepts for this cascade, in any case (such as "cascade"):
    /// letters, digits, '-', '_' and '.', starting with a letter or digit. The class name is always accepted.
    /// </summary>
    public string? CommandName { get; set; }

    /// <summary>Whether commands take this cascade when no <c>--model</c> is given; at most one default per kind.</summary>
    public bool IsDefault { get; set; }
}
