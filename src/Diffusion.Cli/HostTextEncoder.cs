using System;
using Diffusion.Runtime.Text;

namespace Diffusion.Cli;

/// <summary>The program's text encoder (<see cref="HostOptions.TextEncoder"/>) for a text-conditioned model, checked against it.</summary>
internal static class HostTextEncoder
{
    /// <summary>
    /// A new encoder from <paramref name="factory"/> whose widths are <paramref name="model"/>'s; refused without a
    /// factory or with other widths. The caller disposes it (<see cref="Release"/>).
    /// </summary>
    public static ITextEncoder For(Func<ITextEncoder>? factory, ITextDiffusionModel model)
    {
        string name = model.Description.Name;
        if (factory is null)
            throw new CommandLineException($"{name} is conditioned on text, but this program gives the host no text encoder (HostOptions.TextEncoder).");
        var encoder = factory();
        if (encoder.PooledDimension == model.PooledDim && encoder.TokenDimension == model.TokenDim) return encoder;
        Release(encoder);
        throw new CommandLineException($"{name} takes text embeddings of {model.PooledDim} (pooled) and {model.TokenDim} (tokens), but the host's "
            + $"encoder {encoder.Identity.ModelId} gives {encoder.PooledDimension} and {encoder.TokenDimension}.");
    }

    /// <summary>Disposes <paramref name="encoder"/> when it holds resources (an ONNX session, for MiniLM).</summary>
    public static void Release(ITextEncoder encoder) => (encoder as IDisposable)?.Dispose();
}
