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
    [InlineData(nameof(Sources.MnistUNet))]
    [InlineData(nameof(Sources.UNetVariants))]
    [InlineData(nameof(Sources.Distillation))]
    [InlineData(nameof(Sources.Consistency))]
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
        "Consistency: noisier + (lower - upper).reshape(shape) * eps",
        "Consistency: unconditional + (conditional - unconditional) * weight",
        "Consistency: x0 + lower.reshape(shape) * noise",
        "Consistency: x0 + upper.reshape(shape) * noise",
        "Consistency: CmDit.NullLabel",
        "Consistency: i.add(next)",
        "Consistency: level.square().add_(one)",
        "Distillation: alphaNext * cleanSample + sigmaNext * noise",
        "Distillation: 2",
        "Loss: simple + VariationalBoundWeight * vlb",
        "Loss: BoundSchedule.Timesteps * VariationalBoundTerms(x0, xt, t, output).mean()",
        "Loss: UNetSchedule.Timesteps * VariationalBoundTerms(x0, xt, t, frozen).mean()",
        "Loss: VelocitySchedule.Timesteps * VariationalBoundTerms(x0, xt, t, frozen).mean()",
        "Loss: VariationalBoundWeight * vlb",
        "Loss: 2",
        "Model: CmDit.NullLabel",
        "Model: DistilledDit.NullLabel",
        "Model: MnistDit.NullLabel",
        "Model: MnistUNet.NullLabel",
        "Model: VelocityDit.NullLabel",
        "Parameterization: fraction * logBeta + (1.0 - fraction) * logPosteriorVariance",
        "Parameterization: sqrtOneMinusAlphaBar * x + sqrtAlphaBar * prediction",
        "Parameterization: (varianceValues + 1.0) / 2.0",
        "Parameterization: 1.0 - fraction",
        "Parameterization: varianceValues + 1.0",
        "Samplers: guidance.Scale * sqrtOneMinusAlphaBar",
        "Samplers: CmDit.NullLabel",
        "Samplers: DistilledDit.NullLabel",
        "Samplers: MnistDit.NullLabel",
        "Samplers: MnistUNet.NullLabel",
        "Samplers: VelocityDit.NullLabel",
        "VariationalBound: coef1 * cleanSample + coef2 * xt",
        "VariationalBound: coef1 * x0 + coef2 * xt",
        "VariationalBound: 0.5 * logVariance",
        "VariationalBound: 0.5 * posteriorLogVariance",
        "VariationalBound: 0",
    };
}
