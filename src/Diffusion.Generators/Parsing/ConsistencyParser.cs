using System.Collections.Generic;
using System.Threading;
using Diffusion.Dsl;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [ConsistencyModel] on a [DiffusionModel] declaration to a <see cref="ConsistencySpec"/>: the noise range (DDSL040),
/// sigma_data and rho (DDSL041), the teacher (DDSL042 to DDSL044), the consistency sampler's need of it (DDSL045), and no
/// posterior-mean prediction on either side (DDSL046).
/// The teacher is read from its attributes only (not parsed as a model), so two models naming each other cannot loop.
/// </summary>
internal static class ConsistencyParser
{
    /// <summary>
    /// The declaration's consistency spec, or null when it has none (or errors, which go to
    /// <paramref name="diagnostics"/>); <paramref name="broken"/> is set when the attribute itself does not compile.
    /// </summary>
    public static ConsistencySpec? Parse(
        INamedTypeSymbol symbol,
        AttributeView model,
        IReadOnlyList<AttributeView> samplers,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken,
        ref bool broken)
    {
        var view = DeclarationChecks.Optional(symbol, AttributeNames.ConsistencyModel, cancellationToken, ref broken);
        if (view is null)
        {
            foreach (var sampler in samplers)
            {
                if (sampler.ConstructorInt(0, -1) != (int)SamplerKind.Consistency) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsistencySamplerWithoutModel,
                    sampler.ConstructorLocation(0, "kind"), symbol.Name));
            }
            return null;
        }
        if (broken) return null;

        int before = diagnostics.Count;
        double sigmaMin = view.Double("SigmaMin", 0.002), sigmaMax = view.Double("SigmaMax", 80.0);
        if (!(sigmaMin > 0 && sigmaMin < sigmaMax && sigmaMax <= double.MaxValue))
        {
            // The argument that breaks the range: a non-positive s_min itself, else s_max (or s_min when s_max is unset).
            var at = !(sigmaMin > 0) || !view.Has("SigmaMax") ? view.NamedLocation("SigmaMin") : view.NamedLocation("SigmaMax");
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsistencyNoiseRangeEmpty, at,
                sigmaMin, sigmaMax));
        }
        double sigmaData = Positive(view, "SigmaData", 0.5, "the data's standard deviation (0.5 for data in [-1, 1])", diagnostics);
        double rho = Positive(view, "Rho", 7.0, "the Karras levels' exponent (Karras et al. 2022 use 7)", diagnostics);
        if (model.Int("Predicts", (int)Prediction.Noise) == (int)Prediction.Mean)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsistencyReadsPosteriorMean, model.NamedLocation("Predicts"), symbol.Name));
        var teacher = Teacher(symbol, view, model, diagnostics, cancellationToken);
        if (teacher is { Predicts: Prediction.Mean })
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsistencyReadsPosteriorMean, view.NamedLocation("Teacher"),
                "The teacher " + teacher.Type.Name));
        return diagnostics.Count > before ? null : new ConsistencySpec(sigmaMin, sigmaMax, sigmaData, rho, teacher);
    }

    private static double Positive(AttributeView view, string name, double fallback, string hint, List<DiagnosticInfo> diagnostics)
    {
        double value = view.Double(name, fallback);
        if (!(value > 0 && value <= double.MaxValue))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsistencyParameterNotPositive, view.NamedLocation(name),
                name, value, hint));
        return value;
    }

    /// <summary>
    /// The teacher named by Teacher = typeof(X), checked against the student's schedule, network and (for latent
    /// diffusion) autoencoder.
    /// </summary>
    private static TeacherSpec? Teacher(INamedTypeSymbol student, AttributeView view, AttributeView model, List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var argument = view.NamedArgument("Teacher");
        if (argument is null || argument.Value.IsNull) return null;
        var location = view.NamedLocation("Teacher");
        var type = argument.Value.Value as INamedTypeSymbol;
        if (type is { TypeKind: TypeKind.Error }) return null; // CS0246 names the missing type
        var declarations = type is null ? new List<AttributeData>() : DeclarationChecks.Find(type, AttributeNames.DiffusionModel);
        if (type is null || declarations.Count != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherNotDiffusionModel, location, type?.ToDisplayString() ?? "null"));
            return null;
        }
        var teacher = new AttributeView(declarations[0], cancellationToken);
        if (teacher.HasErrors) return null; // the teacher's own declaration reports it

        bool deterministic = false;
        foreach (var sampler in DeclarationChecks.Find(type, AttributeNames.Sampler))
            deterministic |= new AttributeView(sampler, cancellationToken).ConstructorInt(0, -1) == (int)SamplerKind.Ddim;
        if (!deterministic)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherWithoutDeterministicSampler, location, type.Name));

        foreach (var (index, part) in new[] { (0, "schedule"), (1, "network") })
        {
            var theirs = teacher.ConstructorArgument(index)?.Value as ITypeSymbol;
            var ours = model.ConstructorArgument(index)?.Value as ITypeSymbol;
            if (SymbolEqualityComparer.Default.Equals(theirs, ours)) continue;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherDoesNotMatch, location, type.Name, part,
                theirs?.Name ?? "null", ours?.Name ?? "null"));
        }
        // A latent student denoises its teacher's latents: the same autoencoder, or pixels on both sides.
        var teacherAutoencoder = DeclarationChecks.LatentAutoencoder(type, cancellationToken);
        var studentAutoencoder = DeclarationChecks.LatentAutoencoder(student, cancellationToken);
        if (!SymbolEqualityComparer.Default.Equals(teacherAutoencoder, studentAutoencoder))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherDoesNotMatch, location, type.Name, "autoencoder",
                teacherAutoencoder?.Name ?? "none (pixels)", studentAutoencoder?.Name ?? "none (pixels)"));
        }

        var guidance = DeclarationChecks.Find(type, AttributeNames.ClassifierFreeGuidance);
        double? scale = guidance.Count == 1 ? new AttributeView(guidance[0], cancellationToken).Double("Scale", 4.0) : null;
        return new TeacherSpec(DeclarationChecks.NameOf(type),
            (Prediction)teacher.Int("Predicts", (int)Prediction.Noise),
            teacher.Int("Variance", (int)ReverseVariance.FixedSmall) == (int)ReverseVariance.Learned,
            scale);
    }
}
