using System;
using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;
using Diffusion.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators;

/// <summary>
/// One kind of network a [DiffusionModel] can denoise with: a row of <see cref="NetworkKinds"/>. The pipeline, the
/// model parser, the model emitter and the diagnostics read the kind from here, so none of them names a kind.
/// </summary>
internal abstract class NetworkKind
{
    protected NetworkKind(string attribute, string displayName, string trackingName, string leastArguments)
    {
        Attribute = attribute;
        DisplayName = displayName;
        TrackingName = trackingName;
        LeastArguments = leastArguments;
    }

    /// <summary>"InputSize = ..., InChannels = ...": the arguments the least declaration of the kind writes.</summary>
    public string LeastArguments { get; }

    /// <summary>The declaring attribute's metadata name, such as "Diffusion.Dsl.UNetAttribute".</summary>
    public string Attribute { get; }

    /// <summary>The kind as a model's summary names it, such as "U-Net".</summary>
    public string DisplayName { get; }

    /// <summary>The name of the kind's pipeline step (see <see cref="TrackingNames"/>).</summary>
    public string TrackingName { get; }

    /// <summary>"[UNet]": the attribute as diagnostics name it.</summary>
    public string Declared => "[" + AttributeNames.Short(Attribute) + "]";

    /// <summary>
    /// "[UNet(InputSize = ..., InChannels = ...)]": the least a declaration of the kind writes, as DDSL007 suggests it
    /// (an image network's size and channels; a diffusion prior's embedding width).
    /// </summary>
    public string Usage => "[" + AttributeNames.Short(Attribute) + "(" + LeastArguments + ")]";

    /// <summary>Adds the kind's pipeline: its classes parsed into specs, each spec emitted.</summary>
    public abstract void Register(IncrementalGeneratorInitializationContext context);

    /// <summary>
    /// The spec of <paramref name="type"/>, a class of this kind named by a model; null when it has errors, which its
    /// own declaration reports.
    /// </summary>
    public abstract NetworkSpec? ParseReferenced(INamedTypeSymbol type, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="spec"/> was parsed by this kind.</summary>
    public abstract bool Holds(NetworkSpec spec);

    /// <summary>
    /// Writes <paramref name="spec"/>'s own "key = value," entries of ModelDescription.Network, naming the network class
    /// <paramref name="network"/> (short where the model's file has it in scope).
    /// </summary>
    public abstract void DescribeEntries(CodeWriter w, NetworkSpec spec, string network, string indent);
}

/// <summary>A <see cref="NetworkKind"/> whose parser gives <typeparamref name="TSpec"/>.</summary>
internal sealed class NetworkKind<TSpec> : NetworkKind
    where TSpec : NetworkSpec
{
    private readonly Func<INamedTypeSymbol, CancellationToken, DeclarationResult<TSpec>> parse;
    private readonly Func<TSpec, IEnumerable<(string HintName, string Source)>> emit;
    private readonly Action<CodeWriter, TSpec, string, string> describe;

    /// <param name="attribute">The declaring attribute's metadata name (<see cref="AttributeNames"/>).</param>
    /// <param name="displayName">The kind in a model's summary.</param>
    /// <param name="trackingName">The pipeline step's name.</param>
    /// <param name="parse">The class's declaration to a spec and diagnostics.</param>
    /// <param name="emit">The spec to generated files.</param>
    /// <param name="describe">The spec's own entries of ModelDescription.Network (checkpoints compare them).</param>
    /// <param name="leastArguments">The arguments of the least declaration, as DDSL007 suggests it.</param>
    public NetworkKind(
        string attribute,
        string displayName,
        string trackingName,
        Func<INamedTypeSymbol, CancellationToken, DeclarationResult<TSpec>> parse,
        Func<TSpec, IEnumerable<(string HintName, string Source)>> emit,
        Action<CodeWriter, TSpec, string, string> describe,
        string leastArguments = "InputSize = ..., InChannels = ...")
        : base(attribute, displayName, trackingName, leastArguments)
    {
        this.parse = parse;
        this.emit = emit;
        this.describe = describe;
    }

    public override void Register(IncrementalGeneratorInitializationContext context) =>
        DiffusionGenerator.Register(context, Attribute, TrackingName, parse, emit);

    public override NetworkSpec? ParseReferenced(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        parse(type, cancellationToken).Spec;

    public override bool Holds(NetworkSpec spec) => spec is TSpec;

    public override void DescribeEntries(CodeWriter w, NetworkSpec spec, string network, string indent) =>
        describe(w, (TSpec)spec, network, indent);
}
