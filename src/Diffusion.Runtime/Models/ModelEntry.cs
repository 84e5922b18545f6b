using System;
using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Runtime.Models;

/// <summary>
/// One declared model of an assembly, as a command line offers it: its class name, other names a user may type, its
/// kind and a factory that builds it with fresh weights. Plain data, so a generator writes one line per declaration:
/// <code>ModelEntry.Diffusion("MnistDiffusion", static () =&gt; new MnistDiffusion()) with { Aliases = ["dit"], IsDefault = true }</code>
/// </summary>
public sealed record ModelEntry
{
    private ModelEntry(string name, ModelKind kind, Func<ITrainableModel> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Name = name;
        Kind = kind;
        Factory = factory;
    }

    /// <summary>A diffusion model built by <paramref name="factory"/> (fresh weights from torch's global generator).</summary>
    public static ModelEntry Diffusion(string name, Func<IDiffusionModel> factory) => new(name, ModelKind.Diffusion, factory);

    /// <summary>A noisy classifier built by <paramref name="factory"/> (fresh weights from torch's global generator).</summary>
    public static ModelEntry NoisyClassifier(string name, Func<INoisyClassifier> factory) => new(name, ModelKind.NoisyClassifier, factory);

    /// <summary>An autoencoder built by <paramref name="factory"/> (fresh weights from torch's global generator).</summary>
    public static ModelEntry Autoencoder(string name, Func<IAutoencoder> factory) => new(name, ModelKind.Autoencoder, factory);

    /// <summary>
    /// A cascade built by <paramref name="factory"/> (<see cref="CascadeFactory"/>). It is no trainable model: its
    /// <see cref="Factory"/> throws, and its stages train as their own entries.
    /// </summary>
    public static ModelEntry Cascade(string name, Func<Cascades.ICascadeModel> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(name, ModelKind.Cascade, () => throw new InvalidOperationException(
            $"{name} is a cascade: train its stages as their own models, and build it with CascadeFactory."))
        {
            CascadeFactory = factory,
        };
    }

    /// <summary>A cascade's factory (fresh weights in every stage); null for every other kind.</summary>
    public Func<Cascades.ICascadeModel>? CascadeFactory { get; private init; }

    /// <summary>The declared class's name; a user may type it in any case.</summary>
    public string Name { get; }

    /// <summary>What the model is.</summary>
    public ModelKind Kind { get; }

    /// <summary>Builds the model with fresh weights drawn from torch's global generator.</summary>
    public Func<ITrainableModel> Factory { get; }

    /// <summary>Other names for the model (such as "dit"), matched in any case.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Whether commands take this model when no --model is given although several are declared.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Whether <paramref name="name"/> is the entry's name or one of its aliases, ignoring case.</summary>
    public bool Answers(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(name, a, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name with its aliases, as help texts list it: <c>MnistDiffusion (dit)</c>.</summary>
    public override string ToString() => Aliases.Count == 0 ? Name : $"{Name} ({string.Join(", ", Aliases)})";
}
