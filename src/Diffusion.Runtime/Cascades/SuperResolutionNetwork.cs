using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// A super-resolution stage's network as a function (Ho et al. 2021, Sec. 3): the output for x_t (N, C, H, W) at
/// training timesteps t (N, int64) with labels (N, int64) or null, the upsampled, augmented low-resolution image
/// (N, C_low, H, W) and the augmentation levels (N).
/// </summary>
public delegate Tensor SuperResolutionNetwork(Tensor x, Tensor t, Tensor? labels, Tensor conditioning, Tensor levels);
