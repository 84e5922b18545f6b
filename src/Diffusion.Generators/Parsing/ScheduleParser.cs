using Diffusion.Dsl;
using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>[NoiseSchedule(kind, Timesteps = T)] to a <see cref="ScheduleSpec"/>.</summary>
internal static class ScheduleParser
{
    /// <summary>The most training timesteps accepted (improved-diffusion uses 4000).</summary>
    public const int MaxTimesteps = 1_000_000;

    public static DeclarationResult<ScheduleSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.NoiseSchedule);
        if (declarations.Count != 1) return DeclarationResult<ScheduleSpec>.Nothing;
        var schedule = new AttributeView(declarations[0], cancellationToken);
        if (schedule.HasErrors) return DeclarationResult<ScheduleSpec>.Nothing;

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.NoiseSchedule, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, schedule, diagnostics, cancellationToken);

        int kind = schedule.ConstructorInt(0, -1);
        if (kind is not ((int)ScheduleKind.Linear or (int)ScheduleKind.Cosine or (int)ScheduleKind.ScaledLinear))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ValueOutOfRange, schedule.ConstructorLocation(0, "kind"), "Kind", kind, "ScheduleKind.Linear, ScheduleKind.Cosine or ScheduleKind.ScaledLinear"));
        }

        int timesteps = schedule.Int("Timesteps", 1000);
        if (timesteps < 1 || timesteps > MaxTimesteps)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ValueOutOfRange, schedule.NamedLocation("Timesteps"), "Timesteps", timesteps, "1.." + MaxTimesteps + " training steps (1000 is usual)")
                .WithFix(Fix.Set("Timesteps", 1000)));
        }

        bool zeroTerminalSnr = schedule.Bool("ZeroTerminalSnr", false);
        if (zeroTerminalSnr && timesteps < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ValueOutOfRange, schedule.NamedLocation("Timesteps"), "Timesteps", timesteps, "at least 2 with ZeroTerminalSnr (the first step keeps its value, the last reaches abar_T = 0)"));
        }

        var spec = conflict || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new ScheduleSpec(DeclarationChecks.NameOf(symbol), (ScheduleKind)kind, timesteps, zeroTerminalSnr,
                ShadowedNames.Of(symbol, ScheduleAliases.All));
        return new DeclarationResult<ScheduleSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
