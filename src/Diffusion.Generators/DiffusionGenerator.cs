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
/// The Diffusion.Dsl generator: [NoiseSchedule], [DiffusionTransformer] and [DiffusionModel] classes become a schedule,
/// a TorchSharp network and a trainable, samplable diffusion model. A thin pipeline: parse symbols into equatable specs
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
            static (ctx, ct) => Parse(ctx, ct, NetworkParser.Parse))
            .WithTrackingName(TrackingNames.Networks);
        context.RegisterSourceOutput(networks, static (spc, result) => Output(spc, result, NetworkEmitter.Emit));

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
