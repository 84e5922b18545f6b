using System;
using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;
using Diffusion.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Generators;

/// <summary>
/// The Diffusion.Dsl generator: [NoiseSchedule], [DiffusionTransformer], [UNet], [UNetEncoder], [DiffusionModel] and
/// [NoisyClassifier] classes become a schedule, TorchSharp networks, a trainable, samplable diffusion model and a noisy
/// classifier that guides it. A thin pipeline: parse symbols into equatable specs
/// (Parsing/), emit text from specs (Emitting/); never throws (unexpected failures become DDSL999).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DiffusionGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var schedules = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.NoiseSchedule,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, ScheduleParser.Parse))
            .WithTrackingName(TrackingNames.Schedules);
        context.RegisterSourceOutput(schedules, static (spc, result) => Output(spc, result, ScheduleEmitter.Emit));

        var networks = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.DiffusionTransformer,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, TransformerParser.Parse))
            .WithTrackingName(TrackingNames.Networks);
        context.RegisterSourceOutput(networks, static (spc, result) => Output(spc, result, TransformerEmitter.Emit));

        var unets = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.UNet,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, UNetParser.Parse))
            .WithTrackingName(TrackingNames.UNets);
        context.RegisterSourceOutput(unets, static (spc, result) => Output(spc, result, UNetEmitter.Emit));

        var encoders = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.UNetEncoder,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, EncoderParser.Parse))
            .WithTrackingName(TrackingNames.Encoders);
        context.RegisterSourceOutput(encoders, static (spc, result) => Output(spc, result, EncoderEmitter.Emit));

        var classifiers = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.NoisyClassifier,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, ClassifierParser.Parse))
            .WithTrackingName(TrackingNames.Classifiers);
        context.RegisterSourceOutput(classifiers, static (spc, result) => Output(spc, result, ClassifierEmitter.Emit));

        var models = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeNames.DiffusionModel,
            static (node, _) => node is TypeDeclarationSyntax,
            static (ctx, ct) => Parse(ctx, ct, ModelParser.Parse))
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (spc, result) => Output(spc, result, ModelEmitter.Emit));
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
