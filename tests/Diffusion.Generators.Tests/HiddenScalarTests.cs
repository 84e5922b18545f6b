using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Generated code never leaves a Scalar for the finalizer (<see cref="HiddenScalars"/>): such leftovers, small native
/// objects freed only when a GC happens to run, sit between a step's large activation buffers on glibc's heap and keep
/// them from being reused (guided DDIM-50 sampling of 60 MNIST digits peaked at 5.6 GB; docs/benchmarks.md).
/// </summary>
public class HiddenScalarTests
{
    [Theory]
    [InlineData(nameof(Sources.Mnist))]
    [InlineData(nameof(Sources.LatentDitS2))]
    [InlineData(nameof(Sources.VelocityLearned))]
    [InlineData(nameof(Sources.CleanSampleBound))]
    [InlineData(nameof(Sources.MeanLearned))]
    [InlineData(nameof(Sources.MnistUNet))]
    [InlineData(nameof(Sources.UNetVariants))]
    [InlineData(nameof(Sources.Distillation))]
    [InlineData(nameof(Sources.Consistency))]
    [InlineData(nameof(Sources.MnistAutoencoder))]
    [InlineData(nameof(Sources.MnistLatent))]
    [InlineData(nameof(Sources.MnistLatentText))]
    [InlineData(nameof(Sources.MnistCascade))]
    [InlineData(nameof(Sources.BlurAndPlainCascades))]
    [InlineData(nameof(Sources.TextConditioned))]
    [InlineData(nameof(Sources.MnistText))]
    [InlineData(nameof(PriorSources.Unclip))]
    public void GeneratedCodeMakesNoHiddenScalar(string example)
    {
        var (_, output) = example switch
        {
            nameof(Sources.Mnist) => GeneratorHarness.Run(Sources.Mnist),
            nameof(Sources.MnistUNet) => GeneratorHarness.Run(Sources.Mnist, Sources.MnistUNet),
            nameof(Sources.UNetVariants) => GeneratorHarness.Run(Sources.UNetVariants),
            nameof(Sources.LatentDitS2) => GeneratorHarness.Run(Sources.LatentDitS2),
            nameof(Sources.VelocityLearned) => GeneratorHarness.Run(Sources.VelocityLearned),
            nameof(Sources.Distillation) => GeneratorHarness.Run(Sources.Distillation),
            nameof(Sources.Consistency) => GeneratorHarness.Run(Sources.Consistency),
            nameof(Sources.MeanLearned) => GeneratorHarness.Run(Sources.MeanLearned),
            nameof(Sources.MnistAutoencoder) => GeneratorHarness.Run(Sources.MnistAutoencoder),
            nameof(Sources.MnistLatent) => GeneratorHarness.Run(Sources.MnistLatent),
            nameof(Sources.MnistLatentText) => GeneratorHarness.Run(Sources.MnistLatentText),
            nameof(Sources.MnistCascade) => GeneratorHarness.Run(Sources.MnistCascade),
            nameof(Sources.BlurAndPlainCascades) => GeneratorHarness.Run(Sources.BlurAndPlainCascades),
            nameof(Sources.TextConditioned) => GeneratorHarness.Run(Sources.TextConditioned),
            nameof(Sources.MnistText) => GeneratorHarness.Run(Sources.MnistText),
            nameof(PriorSources.Unclip) => GeneratorHarness.Run(PriorSources.Unclip),
            _ => GeneratorHarness.Run(Sources.CleanSampleBound),
        };
        var generated = output.SyntaxTrees.Where(t => !t.FilePath.StartsWith("Input", System.StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(generated);

        var findings = HiddenScalars.In(output, generated).Where(f => !Remaining.Contains(f.Key)).ToList();

        Assert.True(findings.Count == 0, $"{findings.Count} hidden Scalars:\n" + string.Join("\n", findings));
    }

    /// <summary>
    /// Hidden Scalars not yet removed (issue 16), as concern and code: once per loss or sampler call rather than per
    /// network layer, or in code the MNIST DiT's training and guided DDIM sampling do not run. The list only shrinks:
    /// any other finding fails.
    /// </summary>
    private static readonly HashSet<string> Remaining = new()
    {
    };
}
