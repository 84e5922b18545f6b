using System;

namespace Diffusion.Dsl;

/// <summary>
/// Makes a <see cref="DiffusionTransformerAttribute"/> network the network of a super-resolution stage
/// (<see cref="SuperResolutionAttribute"/>; Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): its patch embedding
/// takes x_t concatenated on channels with the upsampled low-resolution image (InChannels + <see cref="Channels"/>
/// input channels), and the noise augmentation level s enters through its own embedder, a timestep embedder whose
/// output is added to the conditioning vector c = t_emb + s_emb (+ y_emb) (Ho et al. 2021, Sec. 4.1). The output keeps
/// InChannels channels.
/// </summary>
/// <example><code>
/// [DiffusionTransformer(InputSize = 28, InChannels = 1)]
/// [LowResolutionConditioning(Channels = 1)]
/// [Patchify(PatchSize = 4, Width = 192)]
/// [AdaLnZeroBlocks(Depth = 6, Heads = 3)]
/// public partial class Sr28Dit;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LowResolutionConditioningAttribute : Attribute
{
    /// <summary>Channels of the low-resolution image: the channels of the images the cascade generates.</summary>
    public int Channels { get; set; }
}
