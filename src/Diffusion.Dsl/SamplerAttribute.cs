using System;

namespace Diffusion.Dsl;

/// <summary>Generates a sampler loop for the diffusion model it is placed on; repeat it for several samplers.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SamplerAttribute : Attribute
{
    /// <param name="kind">The sampler to generate.</param>
    public SamplerAttribute(SamplerKind kind) => Kind = kind;

    /// <summary>The sampler to generate.</summary>
    public SamplerKind Kind { get; }
}
