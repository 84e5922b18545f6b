using System;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>The catalog's names and defaults, what a declaration says through IDiffusionModel, and seeded first weights.</summary>
/// <remarks>In the global-state collection: the tests build modules and seed torch's default generator.</remarks>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ModelCatalogTests
{
    private static readonly ModelCatalog Catalog = new(
        ModelEntry.Diffusion(nameof(TinyGuidedModel), static () => new TinyGuidedModel()) with { Aliases = ["guided"], IsDefault = true },
        ModelEntry.Diffusion(nameof(TinyLinearModel), static () => new TinyLinearModel()));

    [Fact]
    public void Names_and_aliases_are_found_in_any_case_and_nothing_else()
    {
        Assert.Equal(nameof(TinyGuidedModel), Catalog.Find("tinyguidedmodel")!.Name);
        Assert.Equal(nameof(TinyGuidedModel), Catalog.Find("GUIDED")!.Name);
        Assert.Equal(nameof(TinyLinearModel), Catalog.Find("TinyLinearModel")!.Name);
        Assert.Null(Catalog.Find("tiny"));
        Assert.Equal("TinyGuidedModel (guided)", Catalog.Entries[0].ToString());
    }

    [Fact]
    public void Two_entries_with_one_name_or_two_defaults_of_a_kind_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModelCatalog(
            ModelEntry.Diffusion("A", static () => new TinyLinearModel()) with { Aliases = ["b"] },
            ModelEntry.Diffusion("B", static () => new TinyLinearModel())));
        Assert.Contains("'B' names both A and B", error.Message);
        Assert.Throws<ArgumentException>(() => new ModelCatalog(
            ModelEntry.Diffusion("A", static () => new TinyLinearModel()) with { IsDefault = true },
            ModelEntry.Diffusion("B", static () => new TinyLinearModel()) with { IsDefault = true }));
    }

    [Fact]
    public void The_declared_samplers_and_guidance_weight_come_from_the_declaration()
    {
        IDiffusionModel guided = new TinyGuidedModel(), plain = new TinyLinearModel();
        Assert.Equal(new[] { SamplerKind.Ddpm, SamplerKind.Ddim }, guided.Samplers);
        Assert.Equal(2.0, guided.ClassifierFreeGuidanceScale);
        Assert.Null(plain.ClassifierFreeGuidanceScale);
    }

    [Fact]
    public void Seeded_initialization_gives_the_same_first_weights_for_a_seed_and_others_for_another()
    {
        static float[] Weights(long seed)
        {
            var model = SeededInitialization.Create(Catalog.Entries[1].Factory, seed);
            using var flat = TorchSharp.torch.cat(System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(model.Network.parameters(), p => p.detach().flatten())));
            return flat.data<float>().ToArray();
        }
        var first = Weights(7);
        TorchSharp.torch.rand(5);    // the global generator moves on between the two constructions
        Assert.Equal(first, Weights(7));
        Assert.NotEqual(first, Weights(8));
    }
}
