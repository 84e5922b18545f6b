using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A denoising network as a function: the model output for a batch x_t of shape (N, C, H, W) at training timesteps
/// t (N, int64), with class labels (N, int64) or null for an unconditional call. Generated samplers take one, so an
/// analytic oracle or another library's model can drive them in place of the declared network.
/// </summary>
public delegate Tensor Denoiser(Tensor x, Tensor t, Tensor? labels);
