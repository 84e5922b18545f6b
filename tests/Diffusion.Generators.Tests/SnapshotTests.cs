using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>Every generated file of the example declarations, pinned as a reviewed baseline.</summary>
public class SnapshotTests
{
    [Fact]
    public void MnistExample()
    {
        var (result, output) = GeneratorHarness.Run(Sources.Mnist, Sources.MnistUNet);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
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

    /// <summary>An [Autoencoder]'s four files (encoder, decoder, the class, the loss) and its catalog entry.</summary>
    [Fact]
    public void MnistAutoencoder()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistAutoencoder);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Assert.Equal(
            new[]
            {
                "DeclaredModels.Catalog.g.cs",
                "Examples.Mnist.MnistAutoencoder.Autoencoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Decoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Encoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Loss.g.cs",
            },
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, System.StringComparer.Ordinal));
        Snapshot.Verify(result);
    }

    /// <summary>
    /// A [LatentDiffusion] model's seven files (the sixth and seventh: Latent, and the Model file's SampleLatents), its
    /// DiT on the autoencoder's 7x7x4 latent, the autoencoder's files and the catalog.
    /// </summary>
    [Fact]
    public void MnistLatentDiffusion()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistLatent);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Assert.Equal(
            new[]
            {
                "DeclaredModels.Catalog.g.cs",
                "Examples.Mnist.MnistAutoencoder.Autoencoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Decoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Encoder.g.cs",
                "Examples.Mnist.MnistAutoencoder.Loss.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.Latent.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.Loss.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.Model.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.Parameterization.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.Samplers.g.cs",
                "Examples.Mnist.MnistLatentDiffusion.VariationalBound.g.cs",
                "Examples.Mnist.MnistLatentDit.Network.g.cs",
                "Examples.Mnist.MnistSchedule.Schedule.g.cs",
            },
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, System.StringComparer.Ordinal));
        Snapshot.Verify(result);
    }

    /// <summary>
    /// A consistency model on latents, distilled from the latent DiT: its Consistency file and a Latent file beside the
    /// teacher's, and a consistency sampler that leaves the latents unclamped.
    /// </summary>
    [Fact]
    public void MnistLatentConsistency()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistLatentConsistency);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Contains("Examples.Mnist.MnistLatentConsistency.Consistency.g.cs", sources.Keys);
        Assert.Contains("Examples.Mnist.MnistLatentConsistency.Latent.g.cs", sources.Keys);
        string samplers = sources["Examples.Mnist.MnistLatentConsistency.Samplers.g.cs"];
        Assert.Contains("(latents: no clamping)", samplers);
        Assert.DoesNotContain("clamp_(", samplers);
        Snapshot.Verify(result, hint => hint.StartsWith("Examples.Mnist.MnistLatentConsistency.", System.StringComparison.Ordinal));
    }

    /// <summary>
    /// Text on latents: a Latent file whose diffusion loss points at the text loss (the interface's labels cannot carry
    /// captions) beside a Text file whose guided sampler runs through the latent Sample, which decodes once.
    /// </summary>
    [Fact]
    public void MnistLatentText()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistLatentText);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Contains("Examples.Mnist.MnistLatentTextDiffusion.Text.g.cs", sources.Keys);
        string latent = sources["Examples.Mnist.MnistLatentTextDiffusion.Latent.g.cs"];
        Assert.Contains("ILatentDiffusionModel.LatentTrainingLoss", latent);
        Assert.Contains("is conditioned on text: train it on (latent, text) batches", latent);
        Snapshot.Verify(result, hint => hint.StartsWith("Examples.Mnist.MnistLatentText", System.StringComparison.Ordinal));
    }

    /// <summary>
    /// The MNIST cascade: the base and super-resolution stages' model files, the super-resolution stage's own file, the
    /// conditioned DiT, the cascade's file and the catalog.
    /// </summary>
    [Fact]
    public void MnistCascade()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistCascade);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Mnist.MnistSr28.SuperResolution.g.cs", hints);
        Assert.Contains("Examples.Mnist.MnistCascade.Cascade.g.cs", hints);
        Assert.DoesNotContain("Examples.Mnist.MnistBase14.SuperResolution.g.cs", hints);
        Snapshot.Verify(result);
    }

    /// <summary>
    /// The MNIST cascade from text: the base's Text file, the upsampler's SuperResolution file without a label, and the
    /// cascade's file with SampleText.
    /// </summary>
    [Fact]
    public void MnistTextCascade()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistTextCascade);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Mnist.MnistTextBase14.Text.g.cs", hints);
        Assert.Contains("Examples.Mnist.MnistUpsampler28.SuperResolution.g.cs", hints);
        Assert.Contains("Examples.Mnist.MnistTextCascade.Cascade.g.cs", hints);
        Snapshot.Verify(result);
    }

    /// <summary>The MNIST text-to-digit model: a Text file beside the usual ones, no label embedding.</summary>
    [Fact]
    public void MnistText()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MnistText);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Mnist.MnistTextDiffusion.Text.g.cs", hints);
        Snapshot.Verify(result);
    }

    /// <summary>Blur and no augmentation on an unconditional velocity stage, and a cascade of each.</summary>
    [Fact]
    public void BlurAndPlainCascades()
    {
        var (result, output) = GeneratorHarness.Run(Sources.BlurAndPlainCascades);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Snapshot.Verify(result);
    }

    /// <summary>
    /// Text conditioning: a cross-attention DiT with guidance and a pooled-only DiT with a learned variance, each with
    /// its model's Text file (SampleText, the texts' Denoise) and a loss over (image, text) batches.
    /// </summary>
    [Fact]
    public void TextConditioned()
    {
        var (result, output) = GeneratorHarness.Run(Sources.TextConditioned);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Text.CaptionDiffusion.Text.g.cs", hints);
        Assert.Contains("Examples.Text.PooledDiffusion.Text.g.cs", hints);
        Snapshot.Verify(result);
    }

    [Fact]
    public void TextUNet()
    {
        var (result, output) = GeneratorHarness.Run(Sources.TextUNet);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Text.CaptionUNetDiffusion.Text.g.cs", hints);
        Snapshot.Verify(result);
    }

    [Fact]
    public void UnconditionalDiTS2Preset()
    {
        var (result, output) = GeneratorHarness.Run(Sources.LatentDitS2);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Snapshot.Verify(result);
    }

    [Fact]
    public void VelocityLearnedVarianceHybridMinSnr()
    {
        var (result, output) = GeneratorHarness.Run(Sources.VelocityLearned);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Snapshot.Verify(result);
    }

    /// <summary>A student's sixth file, its model's summary and guidance, and its sampler's trailing grid.</summary>
    [Fact]
    public void ProgressiveDistillationStudent()
    {
        var (result, output) = GeneratorHarness.Run(Sources.Distillation);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.Contains("Examples.Distilled.DistilledStudent.Distillation.g.cs",
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName));
        Assert.DoesNotContain("Examples.Distilled.VelocityTeacher.Distillation.g.cs",
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName));
        Snapshot.Verify(result);
    }

    [Fact]
    public void CleanSampleFixedLargeVariationalBound()
    {
        var (result, output) = GeneratorHarness.Run(Sources.CleanSampleBound);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Snapshot.Verify(result);
    }

    [Fact]
    public void UNetAdditiveVelocityLearnedAndOneLevelEncoder()
    {
        var (result, output) = GeneratorHarness.Run(Sources.UNetVariants);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        Snapshot.Verify(result);
    }

    [Fact]
    public void MeanLearnedVarianceHybridMinSnr()
    {
        var (result, output) = GeneratorHarness.Run(Sources.MeanLearned);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
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
