using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A text-conditioned network as a function: the output for x_t (N, C, H, W) at training timesteps t (N, int64) with
/// labels (null: text models have none) and the texts (N rows; dropped rows use the null embedding).
/// </summary>
public delegate Tensor TextDenoiser(Tensor x, Tensor t, Tensor? labels, TextConditioning text);
