using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>Every generated file of the example declarations, pinned as a reviewed baseline.</summary>
public class SnapshotTests
{
    [Fact]
    public void MnistExample()
    {
        var (result, _) = GeneratorHarness.Run(Sources.Mnist, Sources.MnistUNet);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new[]
            {
                "DeclaredModels.Catalog.g.cs",
                "Examples.Mnist.MnistDiffusion.Loss.g.cs",
                "Examples.Mnist.MnistDiffusion.Model.g.cs",
                "Examples.Mnist.MnistDiffusion.Parameterization.g.cs",
                "Examples.Mnist.MnistDiffusion.Samplers.g.cs",
                "Examples.Mnist.MnistDiffusion.VariationalBound.g.cs",
                "Examples.Mnist.MnistDit.Network.g.cs",
                "Examples.Mnist.MnistNoisyClassifier.Classifier.g.cs",
                "Examples.Mnist.MnistNoisyEncoder.Network.g.cs",
                "Examples.Mnist.MnistSchedule.Schedule.g.cs",
                "Examples.Mnist.MnistUNet.Network.g.cs",
                "Examples.Mnist.MnistUNetDiffusion.Loss.g.cs",
                "Examples.Mnist.MnistUNetDiffusion.Model.g.cs",
                "Examples.Mnist.MnistUNetDiffusion.Parameterization.g.cs",
                "Examples.Mnist.MnistUNetDiffusion.Samplers.g.cs",
                "Examples.Mnist.MnistUNetDiffusion.VariationalBound.g.cs",
            },
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, System.StringComparer.Ordinal));
        Snapshot.Verify(result);
    }

    [Fact]
    public void UnconditionalDiTS2Preset()
    {
        var (result, _) = GeneratorHarness.Run(Sources.LatentDitS2);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(result);
    }

    [Fact]
    public void VelocityLearnedVarianceHybridMinSnr()
    {
        var (result, _) = GeneratorHarness.Run(Sources.VelocityLearned);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(result);
    }

    [Fact]
    public void CleanSampleFixedLargeVariationalBound()
    {
        var (result, _) = GeneratorHarness.Run(Sources.CleanSampleBound);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(result);
    }

    [Fact]
    public void UNetAdditiveVelocityLearnedAndOneLevelEncoder()
    {
        var (result, _) = GeneratorHarness.Run(Sources.UNetVariants);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(result);
    }

    [Fact]
    public void ConsistencyTrainingAndDistillation()
    {
        var (result, _) = GeneratorHarness.Run(Sources.Consistency);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(result);
    }
}
