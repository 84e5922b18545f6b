using System;
using System.CommandLine;
using System.Linq;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli;

/// <summary>
/// --model of distill: a progressive-distillation student (a [ProgressiveDistillation] declaration) of the catalog, by
/// name or alias in any case; without it, the only student. Whether an entry is a student shows only once it is built,
/// so the entries are built when the command runs, not when the host starts.
/// </summary>
internal sealed class StudentOption(ModelCatalog catalog)
{
    /// <summary>The option to add to the command.</summary>
    public Option<string?> Option { get; } = new("--model")
    {
        Description = "The student to distill: a model declared with [ProgressiveDistillation] (default: the only one).",
    };

    /// <summary>The chosen student's entry and a fresh instance of it.</summary>
    /// <exception cref="CommandLineException">The name is not a student, or none was given and there is not exactly one.</exception>
    public (ModelEntry Entry, IDistillationStudent Student) Resolve(ParseResult parse)
    {
        var students = catalog.OfKind(ModelKind.Diffusion).Select(e => (Entry: e, Model: e.Factory())).Where(s => s.Model is IDistillationStudent).ToArray();
        string listing = students.Length == 0
            ? "this program declares no student ([ProgressiveDistillation] on a [DiffusionModel])"
            : $"this program declares {string.Join(", ", students.Select(s => s.Entry))}";
        if (parse.GetValue(Option) is { } name)
        {
            if (catalog.Find(name) is not { } entry) throw new CommandLineException($"--model {name}: no such model; {listing}.");
            var found = students.FirstOrDefault(s => s.Entry == entry);
            if (found.Model is null) throw new CommandLineException($"--model {name}: {entry.Name} is not a progressive-distillation student; {listing}.");
            return (found.Entry, (IDistillationStudent)found.Model);
        }
        if (students.Length != 1) throw new CommandLineException(students.Length == 0 ? $"{listing}." : $"--model is needed: {listing}; choose one.");
        return (students[0].Entry, (IDistillationStudent)students[0].Model);
    }

    /// <summary>A fresh student of <paramref name="entry"/>.</summary>
    public static IDistillationStudent Build(ModelEntry entry) =>
        entry.Factory() as IDistillationStudent ?? throw new InvalidOperationException($"{entry.Name}'s factory did not build a distillation student.");
}
