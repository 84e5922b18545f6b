using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The generator's named pipeline steps (<see cref="TrackingNames"/>), run twice with step tracking: edits that cannot
/// change a declaration leave every step cached or unchanged, and no step's value holds a symbol, syntax node,
/// compilation or other Roslyn object that would pin a compilation in memory and defeat caching.
/// </summary>
public class StepTrackingTests
{
    /// <summary>Valid declarations plus one with a diagnostic, so that both spec and diagnostic values flow.</summary>
    private static readonly string[] Inputs =
    [
        Sources.Mnist,
        Sources.LatentDitS2,
        Sources.UNetVariants,
        """
        using Diffusion.Dsl;
        namespace Broken;
        [DiffusionTransformer(InputSize = 30, InChannels = 1)]
        [Patchify(PatchSize = 4, Width = 64)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class Indivisible;
        """,
        Sources.MnistAutoencoder,
        Sources.MnistLatent[0],    // the latent model and its DiT, on Mnist's schedule and the autoencoder above
        Sources.MnistCascade[0],    // the cascade, its two stages and their DiTs, on Mnist's schedule
        PriorSources.Unclip,    // two diffusion priors and their models
        "namespace Other; public class Unrelated { public int Value; }",
    ];

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var compilation = GeneratorHarness.CreateCompilation(Inputs);
        return (GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation), compilation);
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason, object Value)> NamedOutputs(GeneratorDriverRunResult run)
    {
        var result = run.Results.Single();
        foreach (var name in TrackingNames.All)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"no tracked step named {name}");
            foreach (var step in steps)
                foreach (var (value, reason) in step.Outputs)
                    yield return (name, reason, value);
        }
    }

    private static void AssertEveryStepCachedOrUnchanged(GeneratorDriverRunResult second)
    {
        var named = NamedOutputs(second).ToList();
        Assert.Equal(TrackingNames.All.OrderBy(n => n), named.Select(o => o.Step).Distinct().OrderBy(n => n));
        Assert.All(named, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{o.Step}: {o.Reason}"));
        var outputs = second.Results.Single().TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, "source output: " + o.Reason));
    }

    [Fact]
    public void EditingAnUnrelatedFileLeavesEveryStepCachedOrUnchanged()
    {
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From("namespace Other; public class Unrelated { public int Value; public string Name = \"x\"; }")));
        // The transforms rerun (the compilation changed, so their semantic models did) but give equal values: Unchanged.
        AssertEveryStepCachedOrUnchanged(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void AddingAFileLeavesEveryStepCached()
    {
        var (driver, compilation) = FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Added { }", GeneratorHarness.ParseOptions, path: "Added.cs"));
        AssertEveryStepCachedOrUnchanged(driver.RunGenerators(edited).GetRunResult());
    }

    [Theory]
    [InlineData(0)] // the MNIST declarations' own file
    [InlineData(2)] // the file whose declaration has a diagnostic
    [InlineData(4)] // the autoencoder's file
    public void ACommentOnlyEditLeavesEveryStepCachedOrUnchanged(int file)
    {
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.ElementAt(file);
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(tree.Length, 0), "\n// a comment-only edit\n/* and a block comment */\n"))));
        AssertEveryStepCachedOrUnchanged(driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void ARealEditIsSeenAsModified()
    {
        // Guards the tests above against passing vacuously: tracking does report a change.
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.ElementAt(1);
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(Sources.LatentDitS2.Replace("Timesteps = 1000", "Timesteps = 500"))));
        var reasons = NamedOutputs(driver.RunGenerators(edited).GetRunResult()).Where(o => o.Step == TrackingNames.Schedules).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }

    [Fact]
    public void NoStepValueHoldsASymbolSyntaxNodeOrCompilation()
    {
        var (driver, _) = FirstRun();
        var run = driver.GetRunResult();
        var values = NamedOutputs(run).ToList();
        // Both kinds of value are walked: a spec, and a diagnostic without a spec (the broken declaration).
        Assert.Contains(values, v => v.Value.GetType().GetProperty("Spec")!.GetValue(v.Value) is null);
        Assert.Contains(values, v => v.Value.GetType().GetProperty("Spec")!.GetValue(v.Value) is not null);
        foreach (var (step, _, value) in values)
        {
            var found = RoslynObjects(value).ToList();
            Assert.True(found.Count == 0, $"{step} holds {string.Join(", ", found)}");
        }
    }

    [Fact]
    public void TheWalkFindsARoslynObjectHiddenDeepInAValue()
    {
        var node = CSharpSyntaxTree.ParseText("class C { }").GetRoot();
        var hidden = new Holder(new object[] { 1, "text", new List<Holder> { new(null), new(new KeyValuePair<string, object>("k", node)) } });
        var found = RoslynObjects(hidden).ToList();
        Assert.Single(found);
        Assert.Contains(nameof(SyntaxNode), found[0]);
        Assert.Empty(RoslynObjects(new Holder(new object[] { 1, "text", new Holder(null) })));
    }

    private sealed record Holder(object? Inner);

    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree),
        typeof(Location), typeof(AttributeData), typeof(SyntaxReference), typeof(Diagnostic),
    ];

    /// <summary>Every forbidden Roslyn object reachable from <paramref name="root"/> through fields and collections, as "path: type".</summary>
    private static IEnumerable<string> RoslynObjects(object? root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object? Value, string Path)>();
        pending.Push((root, "value"));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            if (value is null) continue;
            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum || value is string or decimal) continue;
            if (Forbidden.FirstOrDefault(f => f.IsInstanceOfType(value)) is { } forbidden)
            {
                yield return $"{path}: {forbidden.Name} ({type.Name})";
                continue;
            }
            if (!type.IsValueType && !seen.Add(value)) continue;
            if (value is IEnumerable items and not string)
            {
                int i = 0;
                foreach (var item in items) pending.Push((item, $"{path}[{i++}]"));
            }
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer) continue;
                    pending.Push((field.GetValue(value), path + "." + field.Name));
                }
        }
    }
}
