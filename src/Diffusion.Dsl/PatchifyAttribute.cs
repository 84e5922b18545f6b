using System;

namespace Diffusion.Dsl;

/// <summary>
/// Patchify (Peebles and Xie 2023, Sec. 3.2): splits the input into p x p patches, projects each linearly to
/// <see cref="Width"/> features and adds the fixed 2-D sine-cosine position embedding. T = (InputSize / p)^2 tokens.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PatchifyAttribute : Attribute
{
    /// <summary>p, the side of a patch (the paper uses 2, 4 or 8); it must divide the input size.</summary>
    public int PatchSize { get; set; }

    /// <summary>The hidden width d of every token; divisible by the heads and by 4 (the 2-D position embedding).</summary>
    public int Width { get; set; }
}
