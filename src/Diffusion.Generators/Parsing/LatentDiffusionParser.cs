using System.Collections.Generic;
using System.Threading;
using Diffusion.Dsl;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [LatentDiffusion(typeof(Autoencoder), Encoding = ...)] on a [DiffusionModel] to a <see cref="LatentSpec"/>: the type
/// must be a declared [Autoencoder] (DDSL054; its own errors are reported by its own declaration), and the model's
/// network must take its latent, (InputSize / f)^2 x LatentChannels (DDSL055, at the network argument).
/// </summary>
internal static class LatentDiffusionParser
{
    /// <summary>
    /// The spec of <paramref name="latent"/> on the model <paramref name="model"/> denoising with
    /// <paramref name="network"/> (null when the network has errors), or null with the reasons in
    /// <paramref name="diagnostics"/>; <paramref name="dependencyFailed"/> is set where another declaration or the
    /// compiler reports the problem.
    /// </summary>
    public static LatentSpec? Parse(AttributeView latent, AttributeView model, NetworkSpec? network, List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken, ref bool dependencyFailed)
    {
        var type = latent.ConstructorArgument(0)?.Value as INamedTypeSymbol;
        if (type is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true; // CS0246: the compiler names the missing type
            return null;
        }
        if (type is null || DeclarationChecks.Find(type, AttributeNames.Autoencoder).Count == 0)
        {
            var reason = type is null ? "is not a class" : "is not an [Autoencoder] class";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LatentAutoencoderInvalid, latent.ConstructorLocation(0, "autoencoder"),
                type?.ToDisplayString() ?? "null", reason));
            return null;
        }
        var autoencoder = AutoencoderParser.Parse(type, cancellationToken).Spec;
        if (autoencoder is null)
        {
            dependencyFailed = true; // reported by the autoencoder's own declaration
            return null;
        }
        int encoding = latent.Int("Encoding", (int)LatentEncoding.Sample);
        if (encoding is < (int)LatentEncoding.Sample or > (int)LatentEncoding.Mean)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, latent.NamedLocation("Encoding"), "Encoding", encoding, "LatentEncoding.Sample or Mean"));
            return null;
        }
        if (network is null) return null;
        if (network.InputSize != autoencoder.LatentSize || network.InChannels != autoencoder.LatentChannels)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LatentShapeMismatch, model.ConstructorLocation(1, "network"),
                network.Type.Name, network.InputSize, network.InChannels, autoencoder.Type.Name, autoencoder.LatentSize, autoencoder.LatentChannels,
                autoencoder.InputSize, autoencoder.DownsamplingFactor));
            return null;
        }
        return new LatentSpec(autoencoder.Type, (LatentEncoding)encoding, autoencoder.InputSize, autoencoder.InChannels,
            autoencoder.DownsamplingFactor, autoencoder.LatentChannels);
    }
}
