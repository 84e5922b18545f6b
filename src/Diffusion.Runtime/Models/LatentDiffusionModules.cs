using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What a latent diffusion model's checkpoint holds, as one module: the denoising <c>network</c> (trained), the
/// <c>autoencoder</c> (frozen: its parameters take no gradient, so the optimizer never sees them and the EMA's lerp
/// keeps them exactly) and the buffer <c>latent_scale</c>, the scale factor s (Rombach et al. 2022, Sec. 4.3.2).
/// Keys are <c>network.*</c>, <c>autoencoder.*</c> and <c>latent_scale</c>.
/// </summary>
public sealed class LatentDiffusionModules : nn.Module
{
    private const string ScaleName = "latent_scale";

    private readonly nn.Module network;
    private readonly nn.Module autoencoder;

    /// <summary>The two networks of one model, the autoencoder frozen, and s = 1.</summary>
    public LatentDiffusionModules(nn.Module network, nn.Module autoencoder) : base(nameof(LatentDiffusionModules))
    {
        this.network = network ?? throw new ArgumentNullException(nameof(network));
        this.autoencoder = autoencoder ?? throw new ArgumentNullException(nameof(autoencoder));
        foreach (var parameter in autoencoder.parameters()) parameter.requires_grad = false;
        RegisterComponents();
        // float32 and shape (1) as every other tensor of a checkpoint; a float64 s would survive no cast of the module.
        // Detached: the model may build this module lazily inside a caller's dispose scope, which must not free it.
        register_buffer(ScaleName, ones(1, dtype: ScalarType.Float32).DetachFromDisposeScope());
    }

    /// <summary>s, read from (and written to) the buffer, on whatever device the module is.</summary>
    public double LatentScale
    {
        get => Scale().item<float>();
        set
        {
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The latent scale factor is a finite number above 0.");
            using var noGrad = no_grad();
            using var scale = value.ToScalar();
            Scale().fill_(scale);
        }
    }

    private Tensor Scale() => named_buffers().First(b => b.name == ScaleName).buffer;
}
