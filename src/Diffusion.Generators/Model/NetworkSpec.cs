namespace Diffusion.Generators.Model;

/// <summary>What a diffusion model needs to know of its network, whichever architecture declares it.</summary>
/// <param name="Type">The network class.</param>
/// <param name="InputSize">Input height and width.</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="Classes">Number of classes, 0 when unconditional.</param>
/// <param name="LabelDropRate">Classifier-free label drop rate (0 when unconditional).</param>
/// <param name="LearnSigma">Whether the output also carries the variance values (2C channels).</param>
internal abstract record NetworkSpec(
    TypeName Type,
    int InputSize,
    int InChannels,
    int Classes,
    double LabelDropRate,
    bool LearnSigma)
{
    public int OutChannels => LearnSigma ? 2 * InChannels : InChannels;

    public bool IsClassConditional => Classes > 0;

    /// <summary>
    /// Channels of the low-resolution image a super-resolution network also takes ([LowResolutionConditioning]); 0 for
    /// every other network.
    /// </summary>
    public virtual int LowResolutionChannels => 0;

    /// <summary>The network's [TextConditioning] (Saharia et al. 2022, Sec. 2), or null for a network without text.</summary>
    public virtual TextConditioningSpec? Text => null;
}
