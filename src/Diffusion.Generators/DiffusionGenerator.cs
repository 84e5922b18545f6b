using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;
using Diffusion.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Generators;

/// <summary>
/// The Diffusion.Dsl generator: [NoiseSchedule] classes, the network kinds of <see cref="NetworkKinds"/>
/// ([DiffusionTransformer], [UNet]), [UNetEncoder], [DiffusionModel], [NoisyClassifier], [Autoencoder] and [Cascade]
/// classes become a schedule, TorchSharp networks, a trainable, samplable diffusion model, a noisy classifier that
/// guides it, a trainable autoencoder and a cascade that samples its stages in a chain. A thin pipeline:
/// one step per attribute parses symbols into equatable specs (Parsing/), an output emits text from specs (Emitting/);
/// never throws (unexpected failures become DDSL999).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DiffusionGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Register(context, AttributeNames.NoiseSchedule, TrackingNames.Schedules,
            ScheduleParser.Parse, ScheduleEmitter.Emit);
        foreach (var kind in NetworkKinds.All) kind.Register(context);
        Register(context, AttributeNames.UNetEncoder, TrackingNames.Encoders,
            EncoderParser.Parse, EncoderEmitter.Emit);
        var classifiers = Register(context, AttributeNames.NoisyClassifier, TrackingNames.Classifiers,
            ClassifierParser.Parse, ClassifierEmitter.Emit);
        var autoencoders = Register(context, AttributeNames.Autoencoder, TrackingNames.Autoencoders,
            AutoencoderParser.Parse, AutoencoderEmitter.Emit);
        var models = Register(context, AttributeNames.DiffusionModel, TrackingNames.Models,
            ModelParser.Parse, ModelEmitter.Emit);
        var cascades = Register(context, AttributeNames.Cascade, TrackingNames.Cascades,
            CascadeParser.Parse, CascadeEmitter.Emit);
        RegisterCatalog(context,
            models.Select(static (result, _) => result.Spec?.Type).Collect(),
            classifiers.Select(static (result, _) => result.Spec?.Type).Collect()
                .Combine(autoencoders.Select(static (result, _) => result.Spec?.Type).Collect())
                .Select(static (pair, _) => pair.Left.AddRange(pair.Right))
                .Combine(cascades.Select(static (result, _) => result.Spec?.Type).Collect())
                .Select(static (pair, _) => pair.Left.AddRange(pair.Right)));
    }

    /// <summary>
    /// The model catalog: every [DiffusionModel], [NoisyClassifier] and [Autoencoder] read as an entry (step
    /// <see cref="TrackingNames.CatalogEntries"/>), the entries whose declarations got code, where the catalog goes,
    /// all collected into one <see cref="CatalogSpec"/> (step <see cref="TrackingNames.Catalog"/>), then emitted once.
    /// </summary>
    private static void RegisterCatalog(
        IncrementalGeneratorInitializationContext context,
        IncrementalValueProvider<ImmutableArray<TypeName?>> models,
        IncrementalValueProvider<ImmutableArray<TypeName?>> others)
    {
        var entries = Entries(context, AttributeNames.DiffusionModel, CatalogParser.Model).Collect()
            .Combine(Entries(context, AttributeNames.NoisyClassifier, CatalogParser.Classifier).Collect()
                .Combine(Entries(context, AttributeNames.Autoencoder, CatalogParser.Autoencoder).Collect())
                .Select(static (pair, _) => pair.Left.AddRange(pair.Right))
                .Combine(Entries(context, AttributeNames.Cascade, CatalogParser.Cascade).Collect())
                .Select(static (pair, _) => pair.Left.AddRange(pair.Right)));
        var target = context.AnalyzerConfigOptionsProvider.Combine(context.CompilationProvider)
            .Select(static (pair, ct) => CatalogParser.Target(pair.Left, pair.Right, ct));
        var catalog = entries.Combine(models.Combine(others)).Combine(target)
            .Select(static (input, _) =>
            {
                var (((declaredModels, declaredOthers), (generatedModels, generatedOthers)), at) = input;
                var generated = generatedModels.AddRange(generatedOthers);
                return Catalog(declaredModels.AddRange(declaredOthers), generated, at);
            })
            .WithTrackingName(TrackingNames.Catalog);
        context.RegisterSourceOutput(catalog, static (spc, result) => Output(spc, result, CatalogEmitter.Emit));
    }

    private static IncrementalValuesProvider<DeclarationResult<CatalogEntry>> Entries(
        IncrementalGeneratorInitializationContext context,
        string attribute,
        Func<INamedTypeSymbol, CancellationToken, DeclarationResult<CatalogEntry>> parse) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
            attribute,
            static (node, _) => node is TypeDeclarationSyntax,
            (ctx, ct) => Parse(ctx, ct, parse))
            .WithTrackingName(TrackingNames.CatalogEntries);

    /// <summary>The catalog's spec, with every entry's own diagnostics and the catalog's; never throws (DDSL999).</summary>
    private static DeclarationResult<CatalogSpec> Catalog(
        ImmutableArray<DeclarationResult<CatalogEntry>> declared,
        ImmutableArray<TypeName?> generated,
        CatalogTarget target)
    {
        var diagnostics = declared.SelectMany(r => r.Diagnostics).ToList();
        try
        {
            var entries = declared.Where(r => r.Spec is not null).Select(r => r.Spec!).ToImmutableArray();
            var spec = CatalogChecks.Build(entries, generated, target, diagnostics);
            return new DeclarationResult<CatalogSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, CatalogChecks.ClassName,
                exception.GetType().Name + ": " + exception.Message));
            return new DeclarationResult<CatalogSpec>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }
    }

    /// <summary>
    /// One declaration's pipeline: the classes carrying <paramref name="attribute"/>, parsed into equatable results
    /// (step <paramref name="trackingName"/>), then each result's diagnostics reported and its spec emitted. Returns
    /// the results, which the catalog reads.
    /// </summary>
    internal static IncrementalValuesProvider<DeclarationResult<TSpec>> Register<TSpec>(
        IncrementalGeneratorInitializationContext context,
        string attribute,
        string trackingName,
        Func<INamedTypeSymbol, CancellationToken, DeclarationResult<TSpec>> parse,
        Func<TSpec, IEnumerable<(string HintName, string Source)>> emit)
        where TSpec : class
    {
        var results = context.SyntaxProvider.ForAttributeWithMetadataName(
            attribute,
            static (node, _) => node is TypeDeclarationSyntax,
            (ctx, ct) => Parse(ctx, ct, parse))
            .WithTrackingName(trackingName);
        context.RegisterSourceOutput(results, (spc, result) => Output(spc, result, emit));
        return results;
    }

    private static DeclarationResult<TSpec> Parse<TSpec>(
        GeneratorAttributeSyntaxContext context,
        CancellationToken cancellationToken,
        Func<INamedTypeSymbol, CancellationToken, DeclarationResult<TSpec>> parse)
        where TSpec : class
    {
        try
        {
            if (context.TargetSymbol is not INamedTypeSymbol symbol) return DeclarationResult<TSpec>.Nothing;
            // "class class S;" declares a type without a name: the compiler reports the syntax error, nothing to generate.
            if (symbol.Name.Length == 0) return DeclarationResult<TSpec>.Nothing;
            return parse(symbol, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            var location = context.TargetNode is TypeDeclarationSyntax type
                ? LocationInfo.From(type.Identifier.GetLocation())
                : LocationInfo.From(context.TargetNode);
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, context.TargetSymbol.Name, exception.GetType().Name + ": " + exception.Message);
            return new DeclarationResult<TSpec>(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
        }
    }

    private static void Output<TSpec>(
        SourceProductionContext context,
        DeclarationResult<TSpec> result,
        Func<TSpec, IEnumerable<(string HintName, string Source)>> emit)
        where TSpec : class
    {
        foreach (var diagnostic in result.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
        if (result.Spec is null) return;
        try
        {
            // Emit every file first, so a failure adds none of them.
            var files = new List<(string HintName, string Source)>(emit(result.Spec));
            foreach (var (hintName, source) in files)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                context.AddSource(hintName, source);
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, result.Spec.ToString(), exception.GetType().Name + ": " + exception.Message));
        }
    }
}
