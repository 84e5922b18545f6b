using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Generators.Parsing;

/// <summary>Checks shared by every declaration: finding attributes, the type's shape, conflicting declarations.</summary>
internal static class DeclarationChecks
{
    /// <summary>The attributes of <paramref name="symbol"/> whose class has the metadata name given, in source order.</summary>
    public static List<AttributeData> Find(INamedTypeSymbol symbol, string metadataName)
    {
        var found = new List<AttributeData>();
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass is { } type && MetadataName(type) == metadataName) found.Add(attribute);
        }
        return found;
    }

    public static bool Has(INamedTypeSymbol symbol, string metadataName) => Find(symbol, metadataName).Count > 0;

    /// <summary>
    /// The autoencoder a model's [LatentDiffusion] names, or null for a pixel-space model: a distilled student and its
    /// teacher must agree on it.
    /// </summary>
    public static ITypeSymbol? LatentAutoencoder(INamedTypeSymbol model, System.Threading.CancellationToken cancellationToken)
    {
        var latent = Find(model, AttributeNames.LatentDiffusion);
        return latent.Count == 1 ? new AttributeView(latent[0], cancellationToken).ConstructorArgument(0)?.Value as ITypeSymbol : null;
    }

    /// <summary>
    /// Views of the optional single attributes of a declaration; null when it is absent. <paramref name="broken"/> is set
    /// when it is repeated (the compiler reports CS0579) or the compiler could not bind it.
    /// </summary>
    public static AttributeView? Optional(INamedTypeSymbol symbol, string metadataName, CancellationToken cancellationToken, ref bool broken)
    {
        var found = Find(symbol, metadataName);
        if (found.Count == 0) return null;
        var view = new AttributeView(found[0], cancellationToken);
        if (found.Count > 1 || view.HasErrors) broken = true;
        return view;
    }

    /// <summary>The type's namespace and name.</summary>
    public static TypeName NameOf(INamedTypeSymbol symbol) => new(
        symbol.ContainingNamespace is null || symbol.ContainingNamespace.IsGlobalNamespace ? "" : symbol.ContainingNamespace.ToDisplayString(),
        symbol.Name);

    /// <summary>DDSL009: a top-level, non-generic, non-static, non-abstract partial class.</summary>
    public static void CheckShape(INamedTypeSymbol symbol, AttributeView declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        string? problem = null;
        if (symbol.TypeKind != TypeKind.Class || symbol.IsRecord) problem = "is not a class";
        else if (symbol.ContainingType is not null) problem = "is nested in '" + symbol.ContainingType.Name + "'";
        else if (symbol.IsGenericType) problem = "is generic";
        else if (symbol.IsStatic) problem = "is static";
        else if (symbol.IsAbstract) problem = "is abstract";
        else
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax type && !HasPartial(type))
                {
                    problem = "is not partial";
                    break;
                }
            }
        }

        if (problem is not null)
        {
            var location = declaration.TargetIdentifierLocation ?? LocationInfo.From(symbol.Locations.Length > 0 ? symbol.Locations[0] : null);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeShapeInvalid, location, symbol.Name, problem));
        }
    }

    /// <summary>
    /// DDSL008 between the declaration attributes (<see cref="AttributeNames.Declarations"/>) on one class. Returns true when
    /// the class carries another of them; only the pipeline of the first one (in <see cref="AttributeNames.Declarations"/>
    /// order) reports it, so it is reported once.
    /// </summary>
    public static bool CheckDeclarationConflict(INamedTypeSymbol symbol, string current, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var present = new List<string>();
        foreach (var name in AttributeNames.Declarations)
        {
            if (Has(symbol, name)) present.Add(name);
        }
        if (present.Count < 2) return false;
        if (present[0] == current)
        {
            var second = Find(symbol, present[1])[0];
            var location = new AttributeView(second, cancellationToken).Location;
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ConflictingDeclarations,
                location,
                "[" + AttributeNames.Short(present[1]) + "]",
                "[" + AttributeNames.Short(present[0]) + "] on '" + symbol.Name + "'",
                "declare the schedule, the network and the diffusion model as separate classes"));
        }
        return true;
    }

    /// <summary>The Diffusion Transformer's part attributes, which mean nothing on another architecture.</summary>
    public static readonly string[] TransformerParts = { AttributeNames.Patchify, AttributeNames.TimestepEmbedding, AttributeNames.AdaLnZeroBlocks, AttributeNames.DiTPreset };

    /// <summary>DDSL008 for each DiT part on a class declared as <paramref name="owner"/> (a [UNet] or [UNetEncoder]), which would silently ignore it.</summary>
    public static void CheckNoTransformerParts(INamedTypeSymbol symbol, string owner, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var part in TransformerParts)
        {
            foreach (var attribute in Find(symbol, part))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, new AttributeView(attribute, cancellationToken).Location,
                    "[" + AttributeNames.Short(part) + "]", "[" + AttributeNames.Short(owner) + "] on '" + symbol.Name + "'",
                    "it is a part of a [DiffusionTransformer]; remove it (the U-Net's timestep embedding has BaseChannels sinusoidal features)"));
            }
        }
    }

    /// <summary>DDSL003 unless 1 &lt;= value &lt;= max; returns whether the value is in range.</summary>
    public static bool InRange(List<DiagnosticInfo> diagnostics, LocationInfo? location, string name, int value, int max, string hint)
    {
        if (value >= 1 && value <= max) return true;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, name, value, "1.." + max.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", " + hint));
        return false;
    }

    private const int MaxFrequencyDim = 65536;

    /// <summary>
    /// FrequencyDim of a [TimestepEmbedding] beside a network, 256 without one (the reference DiT's); DDSL003 when out of
    /// range, DDSL012 when odd (half cosines, half sines).
    /// </summary>
    public static int TimestepFrequencies(AttributeView? timestep, List<DiagnosticInfo> diagnostics)
    {
        if (timestep is null) return 256;
        int frequencyDim = timestep.Int("FrequencyDim", 256);
        var location = timestep.NamedLocation("FrequencyDim");
        if (InRange(diagnostics, location, "FrequencyDim", frequencyDim, MaxFrequencyDim, "an even number of sinusoidal features (256 is usual)")
            && frequencyDim % 2 != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FrequencyDimOdd, location, frequencyDim, frequencyDim + 1)
                .FixBySetting("FrequencyDim", toArgument: 1));
        }
        return frequencyDim;
    }

    private const int MaxClasses = 1 << 24;

    /// <summary>(Classes, DropRate) of a [LabelEmbedding] beside a network, (0, 0) without one; DDSL003/DDSL004 when out of range.</summary>
    public static (int Classes, double DropRate) LabelEmbedding(AttributeView? label, List<DiagnosticInfo> diagnostics)
    {
        if (label is null) return (0, 0);
        int classes = label.Int("Classes", 0);
        double dropRate = label.Double("DropRate", 0.1);
        InRange(diagnostics, label.NamedLocation("Classes"), "Classes", classes, MaxClasses, "the number of classes, such as 10");
        if (!(dropRate >= 0 && dropRate < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropRateOutOfRange, label.NamedLocation("DropRate"), dropRate)
                .WithFix(Fix.Set("DropRate", "0.1")));
        }
        return (classes, dropRate);
    }

    /// <summary>
    /// The [NoiseSchedule] class named by constructor argument 0 of <paramref name="declaration"/> ([DiffusionModel] or
    /// [NoisyClassifier]): its spec, or null with DDSL006 when it is not a schedule class, or null with
    /// <paramref name="dependencyFailed"/> set when the type does not bind or the schedule has errors of its own.
    /// </summary>
    public static ScheduleSpec? ReferencedSchedule(AttributeView declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, ref bool dependencyFailed)
    {
        var type = declaration.ConstructorArgument(0)?.Value as INamedTypeSymbol;
        if (type is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true; // CS0246: the compiler names the missing type
            return null;
        }
        if (type is null || !Has(type, AttributeNames.NoiseSchedule))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ScheduleTypeInvalid, declaration.ConstructorLocation(0, "schedule"), type?.ToDisplayString() ?? "null"));
            return null;
        }
        var schedule = ScheduleParser.Parse(type, cancellationToken).Spec;
        dependencyFailed |= schedule is null;
        return schedule;
    }

    public static bool HasErrors(List<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error) return true;
        }
        return false;
    }

    private static bool HasPartial(TypeDeclarationSyntax type)
    {
        foreach (var modifier in type.Modifiers)
        {
            if (modifier.IsKind(SyntaxKind.PartialKeyword)) return true;
        }
        return false;
    }

    private static string MetadataName(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? type.MetadataName : ns.ToDisplayString() + "." + type.MetadataName;
    }
}
