using System.Collections.Generic;
using System.Threading;
using Diffusion.Dsl;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [ProgressiveDistillation(typeof(Teacher), Guidance = w)] on a [DiffusionModel] to a <see cref="DistillationSpec"/>,
/// with the checks that make the round's math possible: a teacher that is another declared diffusion model with a DDIM
/// sampler, on the student's network (the student starts from its weights) and schedule (the targets live on it);
/// guidance only where the teacher has a trained null label; a student that predicts velocity or the clean sample and
/// is sampled by DDIM (Salimans and Ho 2022, Sec. 4 and Algorithm 2).
/// </summary>
internal static class DistillationParser
{
    /// <summary>The student as the parser of its [DiffusionModel] read it.</summary>
    /// <param name="Symbol">The student class.</param>
    /// <param name="Model">Its [DiffusionModel] attribute.</param>
    /// <param name="Predicts">What it predicts.</param>
    /// <param name="Samplers">Its declared samplers.</param>
    /// <param name="ClassConditional">Whether its network takes labels (null when the network has errors).</param>
    public sealed record Student(INamedTypeSymbol Symbol, AttributeView Model, Prediction Predicts, IReadOnlyList<SamplerKind> Samplers, bool? ClassConditional);

    /// <summary>
    /// The spec of <paramref name="distillation"/> on <paramref name="student"/>, or null with the reasons in
    /// <paramref name="diagnostics"/>; <paramref name="dependencyFailed"/> is set where the compiler reports the problem
    /// (a teacher type that does not exist).
    /// </summary>
    public static DistillationSpec? Parse(AttributeView distillation, Student student, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, ref bool dependencyFailed)
    {
        int before = diagnostics.Count;
        CheckStudent(distillation, student, diagnostics);

        var teacher = distillation.ConstructorArgument(0)?.Value as INamedTypeSymbol;
        var teacherLocation = distillation.ConstructorLocation(0, "teacher");
        if (teacher is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true; // CS0246: the compiler names the missing type
            return null;
        }
        var teacherModels = teacher is null ? new List<AttributeData>() : DeclarationChecks.Find(teacher, AttributeNames.DiffusionModel);
        if (teacher is null || teacherModels.Count == 0 || SymbolEqualityComparer.Default.Equals(teacher, student.Symbol))
        {
            var reason = teacher is null ? "is not a class"
                : teacherModels.Count == 0 ? "is not a [DiffusionModel] class"
                : "is the student itself";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherNotADiffusionModel, teacherLocation, teacher?.ToDisplayString() ?? "null", reason));
            return null;
        }
        var teacherModel = new AttributeView(teacherModels[0], cancellationToken);
        if (teacherModel.HasErrors) return null; // reported by the teacher's own declaration

        CheckSameParts(student, teacher, teacherModel, diagnostics);
        if (!HasDdim(teacher, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TeacherWithoutDdim, teacherLocation, teacher.Name)
                .WithFix(FixTargets.Argument(teacher, AttributeNames.DiffusionModel, null, cancellationToken), Fix.Add("Sampler(" + Fix.Member(SamplerKind.Ddim) + ")")));
        }

        double? teacherScale = null;
        var teacherGuidance = DeclarationChecks.Find(teacher, AttributeNames.ClassifierFreeGuidance);
        if (teacherGuidance.Count > 0) teacherScale = new AttributeView(teacherGuidance[0], cancellationToken).Double("Scale", 4.0);
        double guidance = teacherScale ?? 1.0;
        if (distillation.Has("Guidance"))
        {
            guidance = distillation.Double("Guidance", 1.0);
            var location = distillation.NamedLocation("Guidance");
            if (!(guidance >= 0 && guidance <= 1e6))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, "Guidance", guidance, "a finite guidance weight w >= 0 (1 = one conditional pass; 4 is usual)")
                    .WithFix(Fix.Set("Guidance", 1)));
            }
            else if (guidance != 1.0 && (teacherScale is null || student.ClassConditional == false))
            {
                var why = teacherScale is null
                    ? "'" + teacher.Name + "' declares no [ClassifierFreeGuidance], so its null label is not trained for the unconditional pass"
                    : "its network takes no labels";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DistillationGuidanceWithoutTeacherGuidance, location, guidance, teacher.Name, why)
                    .WithFix(Fix.Set("Guidance", 1)));
            }
        }
        return diagnostics.Count > before && DeclarationChecks.HasErrors(diagnostics.GetRange(before, diagnostics.Count - before))
            ? null
            : new DistillationSpec(DeclarationChecks.NameOf(teacher), guidance);
    }

    /// <summary>DDSL032 and DDSL035: the student's own declaration.</summary>
    private static void CheckStudent(AttributeView distillation, Student student, List<DiagnosticInfo> diagnostics)
    {
        // Allowed by name rather than refused by name, so a prediction kind added later is refused until judged.
        if (student.Predicts is not (Prediction.Velocity or Prediction.CleanSample))
        {
            var location = student.Model.Has("Predicts") ? student.Model.NamedLocation("Predicts") : student.Model.Location;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StudentPredictsNoise, location, student.Predicts)
                .WithFix(Fix.Set("Predicts", Fix.Member(Prediction.Velocity))));
        }
        if (!Contains(student.Samplers, SamplerKind.Ddim))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StudentWithoutDdim, distillation.Location, student.Symbol.Name)
                .WithFix(Fix.Add("Sampler(" + Fix.Member(SamplerKind.Ddim) + ")")));
        }
    }

    /// <summary>DDSL033: the same schedule class and network class as the teacher, pointed at the student's argument.</summary>
    private static void CheckSameParts(Student student, INamedTypeSymbol teacher, AttributeView teacherModel, List<DiagnosticInfo> diagnostics)
    {
        var parts = new[]
        {
            (Index: 0, Parameter: "schedule", Why: "the targets are the teacher's DDIM steps on its schedule"),
            (Index: 1, Parameter: "network", Why: "the student starts from a copy of the teacher's weights"),
        };
        foreach (var part in parts)
        {
            var mine = student.Model.ConstructorArgument(part.Index)?.Value as INamedTypeSymbol;
            var theirs = teacherModel.ConstructorArgument(part.Index)?.Value as INamedTypeSymbol;
            if (mine is null || theirs is null || SymbolEqualityComparer.Default.Equals(mine, theirs)) continue;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StudentDiffersFromTeacher, student.Model.ConstructorLocation(part.Index, part.Parameter),
                part.Parameter, mine.Name, teacher.Name, theirs.Name, part.Why));
        }
    }

    private static bool HasDdim(INamedTypeSymbol teacher, CancellationToken cancellationToken)
    {
        foreach (var sampler in DeclarationChecks.Find(teacher, AttributeNames.Sampler))
        {
            if (new AttributeView(sampler, cancellationToken).ConstructorInt(0, -1) == (int)SamplerKind.Ddim) return true;
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<SamplerKind> samplers, SamplerKind kind)
    {
        foreach (var sampler in samplers)
        {
            if (sampler == kind) return true;
        }
        return false;
    }
}
