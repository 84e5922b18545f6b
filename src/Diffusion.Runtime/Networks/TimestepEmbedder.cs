using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// Timestep embedding (Peebles and Xie 2023, Sec. 3.2; the reference TimestepEmbedder): the sinusoidal features of
/// t (Vaswani et al. 2017, Sec. 3.5) through Linear, SiLU, Linear. <c>mlp.0</c> and <c>mlp.2</c> are the reference
/// state-dict keys.
/// </summary>
public sealed class TimestepEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential mlp;
    private readonly int frequencyDim;

    /// <summary>An embedder of <paramref name="frequencyDim"/> sinusoidal features into <paramref name="width"/>.</summary>
    /// <param name="frequencyDim">Sinusoidal features (half cosines, half sines); even.</param>
    /// <param name="width">Hidden width D.</param>
    public TimestepEmbedder(int frequencyDim, int width) : base(nameof(TimestepEmbedder))
    {
        if (frequencyDim < 2 || frequencyDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(frequencyDim), $"frequencyDim = {frequencyDim}; use an even number of at least 2.");
        this.frequencyDim = frequencyDim;
        mlp = nn.Sequential(nn.Linear(frequencyDim, width), nn.SiLU(), nn.Linear(width, width));
        RegisterComponents();
    }

    /// <summary>
    /// The reference timestep_embedding: [cos(t freqs_k), sin(t freqs_k)] (cosines first, as the reference) with
    /// freqs_k = exp(-ln(10000) k / half), k = 0..half-1, half = frequencyDim / 2, in float32.
    /// </summary>
    /// <param name="t">Timesteps (N), any numeric dtype.</param>
    /// <param name="frequencyDim">Features; even.</param>
    /// <returns>(N, frequencyDim) float32.</returns>
    public static Tensor SinusoidalFeatures(Tensor t, int frequencyDim)
    {
        using var scope = NewDisposeScope();
        int half = frequencyDim / 2;
        using var rate = (-Math.Log(10000.0) / half).ToScalar();
        // arange's bounds and step, disposed here: arange(0, half) would leave three to the finalizer per call
        using Scalar start = 0, stop = half, step = 1;
        // freqs_k = exp(-ln(10000) k / half) (Vaswani et al. 2017, Sec. 3.5)
        var freqs = exp(arange(start, stop, step, dtype: ScalarType.Float32, device: t.device).mul(rate));    // (half)
        var args = t.to(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);                     // (N, half)
        var features = cat(new[] { cos(args), sin(args) }, 1);                                     // (N, 2 half)
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>t (N) to the embedding (N, D).</summary>
    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        var features = SinusoidalFeatures(t, frequencyDim);    // (N, FrequencyDim)
        var embedding = mlp.call(features);                    // (N, D)
        return embedding.MoveToOuterDisposeScope();
    }

    /// <summary>The reference initialize_weights for the timestep MLP: both weights normal with std 0.02.</summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (key, parameter) in mlp.named_parameters())
        {
            if (key.EndsWith(".weight", StringComparison.Ordinal)) nn.init.normal_(parameter, 0.0, 0.02);
        }
    }
}
