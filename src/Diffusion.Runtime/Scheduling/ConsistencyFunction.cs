using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// A consistency function f(x, s) (Song et al. 2023, Definition in Sec. 3): the clean-sample estimate of a batch
/// <paramref name="sample"/> at the noise level <paramref name="sigma"/> shared by the batch, in the variance-exploding
/// form x = x_0 + s z. A trained model is typically <see cref="ConsistencySampler.Denoise(Tensor, Tensor, double,
/// ConsistencyScalings, bool)"/> of its network's output F(c_in(s) x, s).
/// </summary>
public delegate Tensor ConsistencyFunction(Tensor sample, double sigma);
