using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The table of network kinds (NetworkKinds in the generator), seen from outside: every network attribute of
/// Diffusion.Dsl has its own named pipeline step and takes part in the declaration-conflict check, and every kind a
/// [DiffusionModel] can name is accepted by the model and named by DDSL007. A kind registered by halves fails here.
/// </summary>
public class NetworkKindTests
{
    /// <summary>
    /// The attributes of Diffusion.Dsl that declare a network: those of an input (InputSize, InChannels), and those of
    /// an embedding (EmbeddingDim: a diffusion prior, whose samples are (EmbeddingDim, 1, 1)).
    /// </summary>
    private static readonly Type[] NetworkAttributes = typeof(NoiseScheduleAttribute).Assembly.GetExportedTypes()
        .Where(t => typeof(Attribute).IsAssignableFrom(t))
        .Where(t => t.GetProperty("InputSize") is not null && t.GetProperty("InChannels") is not null || IsEmbedding(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// A diffusion model's network can output the learned variance (every NetworkSpec has LearnSigma);
    /// [UNetEncoder], a noisy classifier's network, cannot, and a model must refuse it.
    /// </summary>
    private static bool IsDenoiser(Type attribute) => attribute.GetProperty("LearnSigma") is not null;

    private static bool IsEmbedding(Type attribute) => attribute.GetProperty("EmbeddingDim") is not null;

    /// <summary>The least arguments of the kind, as DDSL007 suggests them.</summary>
    private static string LeastArguments(Type attribute) =>
        IsEmbedding(attribute) ? "EmbeddingDim = ..." : "InputSize = ..., InChannels = ...";

    private const string Schedule = "[NoiseSchedule(ScheduleKind.Cosine)]\npublic partial class S;\n\n";

    private const string Model = "[DiffusionModel(typeof(S), typeof(N))]\n[Sampler(SamplerKind.Ddim)]\npublic partial class D;\n";

    private static string Short(Type attribute) => attribute.Name[..^"Attribute".Length];

    /// <summary>The least declaration of the kind: the generator may report errors on it, but it is of that kind.</summary>
    private static string Probe(Type attribute, string name) =>
        "[" + attribute.FullName + (IsEmbedding(attribute) ? "(EmbeddingDim = 8)" : "(InputSize = 8, InChannels = 1)")
            + "]\npublic partial class " + name + ";\n\n";

    private static IReadOnlyList<Diagnostic> Diagnostics(string body) =>
        GeneratorHarness.Run("using Diffusion.Dsl;\n\nnamespace T;\n\n" + body).Result.Diagnostics;

    [Fact]
    public void TheNetworkAttributesAreFound()
    {
        // Guards the tests below against a filter that finds nothing.
        var names = NetworkAttributes.Select(t => t.Name).ToList();
        Assert.Contains(nameof(DiffusionTransformerAttribute), names);
        Assert.Contains(nameof(UNetAttribute), names);
        Assert.Contains(nameof(UNetEncoderAttribute), names);
        Assert.Contains(nameof(AutoencoderAttribute), names);
        Assert.Contains(nameof(DiffusionPriorAttribute), names);
        Assert.DoesNotContain(nameof(PatchifyAttribute), names);
        Assert.False(IsDenoiser(typeof(UNetEncoderAttribute)));
        Assert.True(IsDenoiser(typeof(UNetAttribute)));
    }

    [Fact]
    public void EveryNetworkAttributeHasItsOwnNamedStep()
    {
        var claimed = new List<string>();
        foreach (var attribute in NetworkAttributes)
        {
            var compilation = GeneratorHarness.CreateCompilation("namespace T;\n\n" + Probe(attribute, "K"));
            var run = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation)
                .GetRunResult().Results.Single();
            // The catalog's step has one value per compilation, whatever it declares: it parses no attribute. The catalog
            // entries' step reads a catalogued declaration ([Autoencoder]) a second time, for its command name alone.
            var steps = TrackingNames.All.Where(name => name != TrackingNames.Catalog && name != TrackingNames.CatalogEntries)
                .Where(name => run.TrackedSteps.TryGetValue(name, out var found) && found.Any(s => s.Outputs.Length > 0))
                .ToList();
            Assert.True(steps.Count == 1,
                $"[{Short(attribute)}] is parsed by {steps.Count} named steps ({string.Join(", ", steps)}), not one");
            claimed.Add(steps[0]);
        }
        Assert.Equal(claimed, claimed.Distinct());
    }

    [Fact]
    public void EveryNetworkAttributeConflictsWithAnotherDeclaration()
    {
        foreach (var attribute in NetworkAttributes)
        {
            var conflicts = Diagnostics("[NoiseSchedule(ScheduleKind.Cosine)]\n" + Probe(attribute, "K"))
                .Where(d => d.Id == "DDSL008")
                .ToList();
            Assert.True(conflicts.Count == 1, $"[NoiseSchedule] with [{Short(attribute)}]: {conflicts.Count} DDSL008");
            Assert.StartsWith($"[{Short(attribute)}] conflicts with [NoiseSchedule] on 'K'", conflicts[0].GetMessage());
        }
    }

    [Fact]
    public void DDSL007NamesEveryKindAModelCanNameAndNoOther()
    {
        var diagnostics = Diagnostics(Schedule + Model.Replace("typeof(N)", "typeof(S)"));
        var message = Assert.Single(diagnostics, d => d.Id == "DDSL007").GetMessage();
        foreach (var attribute in NetworkAttributes)
        {
            if (IsDenoiser(attribute))
            {
                Assert.Contains("[" + Short(attribute) + "]", message);
                Assert.Contains("[" + Short(attribute) + "(" + LeastArguments(attribute) + ")]", message);
            }
            else
            {
                Assert.DoesNotContain("[" + Short(attribute), message);
            }
        }
    }

    [Fact]
    public void AModelAcceptsAClassOfEveryKindItCanNameAndNoOther()
    {
        foreach (var attribute in NetworkAttributes)
        {
            bool refused = Diagnostics(Schedule + Probe(attribute, "N") + Model).Any(d => d.Id == "DDSL007");
            Assert.True(refused != IsDenoiser(attribute),
                $"a model naming a [{Short(attribute)}] class: DDSL007 {(refused ? "reported" : "missing")}");
        }
    }
}
