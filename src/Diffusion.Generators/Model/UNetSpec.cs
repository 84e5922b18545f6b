namespace Diffusion.Generators.Model;

/// <summary>A [UNet] declaration: the pyramid, and the label embedding beside it.</summary>
internal sealed record UNetSpec(
    TypeName Type,
    UNetShape Shape,
    int Classes,
    double LabelDropRate,
    bool LearnSigma)
    : NetworkSpec(Type, Shape.InputSize, Shape.InChannels, Classes, LabelDropRate, LearnSigma);
