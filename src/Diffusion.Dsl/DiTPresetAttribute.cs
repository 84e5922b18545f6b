using System;

namespace Diffusion.Dsl;

/// <summary>
/// A reference DiT configuration by name, such as DiT-S/2 (Peebles and Xie 2023, Table 1): sets the width, depth and
/// heads of <see cref="Size"/> and the patch size, in place of <see cref="PatchifyAttribute"/> and
/// <see cref="AdaLnZeroBlocksAttribute"/> (declaring either beside it is a conflict).
/// </summary>
/// <example><code>
/// [DiffusionTransformer(InputSize = 32, InChannels = 4)]
/// [DiTPreset(DiTSize.S, PatchSize = 2)]   // DiT-S/2
/// public partial class LatentDit;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DiTPresetAttribute : Attribute
{
    /// <param name="size">The reference size.</param>
    public DiTPresetAttribute(DiTSize size) => Size = size;

    /// <summary>The reference size.</summary>
    public DiTSize Size { get; }

    /// <summary>p: 2, 4 or 8 in the paper (DiT-S/2, DiT-S/4, DiT-S/8); it must divide the input size.</summary>
    public int PatchSize { get; set; } = 2;
}
