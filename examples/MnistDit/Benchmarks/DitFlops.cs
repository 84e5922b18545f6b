using System;
using System.Collections.Generic;
using Diffusion.Runtime.Models;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// The floating-point work of one DiT forward pass, counted from the declaration (the model description's network
/// sizes), per image: 2 FLOPs per multiply-add of every matrix product. Element-wise work (LayerNorm, GELU, softmax,
/// modulation, residuals) is left out: it is memory-bound, and leaving it out is the usual convention (Peebles and Xie
/// 2023 count Gflops the same way), so achieved GFLOP/s compares directly with a matrix-multiply rate.
/// </summary>
internal sealed record DitFlops(int InputSize, int InChannels, int PatchSize, int Width, int Depth, int MlpHidden, int FrequencyDim)
{
    public static DitFlops From(ModelDescription description)
    {
        var n = description.Network;
        int Int(string key) => n.TryGetValue(key, out double value)
            ? (int)value
            : throw new ArgumentException($"{description.Name}'s description has no network size '{key}'; it is not a DiT.");
        int width = Int("width");
        double mlpRatio = n.TryGetValue("mlp_ratio", out double ratio) ? ratio : 4.0;
        return new DitFlops(Int("input_size"), Int("in_channels"), Int("patch_size"), width, Int("depth"), (int)(width * mlpRatio), Int("frequency_dim"));
    }

    /// <summary>T, the tokens per image.</summary>
    public long Tokens => (long)(InputSize / PatchSize) * (InputSize / PatchSize);

    /// <summary>Forward FLOPs per image by part, in call order.</summary>
    public IReadOnlyList<(string Part, double Flops)> ForwardParts()
    {
        double t = Tokens, d = Width, patch = (double)PatchSize * PatchSize * InChannels;
        return
        [
            ("patch embed", 2 * t * patch * d),                                    // (T, C p p) x (C p p, D)
            ("timestep embed", 2 * (FrequencyDim * d + d * d)),                    // Linear(F, D), Linear(D, D), once per image
            ("adaLN modulation", Depth * 2 * d * 6 * d + 2 * d * 2 * d),           // per block (D, 6D), final (D, 2D), once per image
            ("attention qkv + proj", Depth * 2 * t * d * 4 * d),                   // (T, D) x (D, 3D) and (T, D) x (D, D)
            ("attention matmuls", Depth * 2 * 2 * t * t * d),                      // q k^T and attn v: T x T x D_head per head, heads x D_head = D
            ("MLP", Depth * 2 * 2 * t * d * MlpHidden),                            // (T, D) x (D, 4D) and (T, 4D) x (4D, D)
            ("final layer", 2 * t * d * patch),                                    // (T, D) x (D, p p C)
        ];
    }

    /// <summary>FLOPs of one forward pass per image.</summary>
    public double ForwardPerImage
    {
        get
        {
            double sum = 0;
            foreach (var (_, flops) in ForwardParts()) sum += flops;
            return sum;
        }
    }

    /// <summary>
    /// FLOPs of one training step per image: forward plus backward, the backward taking about twice the forward (a
    /// gradient with respect to the input and one with respect to the weights for every product), so ~3x forward.
    /// </summary>
    public double TrainingStepPerImage => 3 * ForwardPerImage;
}
