namespace Diffusion.Generators.Model;

/// <summary>
/// One TimestepEmbedSequential of a U-Net plan: an entry of input_blocks or output_blocks, or the middle block.
/// </summary>
/// <param name="Layers">The constructor expressions of its layers, in call order.</param>
/// <param name="InChannels">Channels it takes (for an output block, the concatenation with its skip).</param>
/// <param name="OutChannels">Channels it leaves.</param>
/// <param name="Resolution">Height and width it leaves.</param>
/// <param name="Skip">For an output block, the input block whose output it concatenates; else -1.</param>
/// <param name="Parameters">Scalar parameters of its layers.</param>
/// <param name="Note">Its layers in words, for the shape comment.</param>
internal sealed record UNetBlock(
    EquatableArray<string> Layers,
    int InChannels,
    int OutChannels,
    int Resolution,
    int Skip,
    long Parameters,
    string Note);
