using System;
using System.IO;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Training;
using Examples.Mnist;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Network;

/// <summary>
/// REFACTOR GUARD (issue 10) for the U-Net and its encoder. These hashes were measured on the code before the U-Net's
/// fixed parts moved into runtime building blocks and its fields took guided-diffusion's state-dict names; a refactor
/// must keep every bit. The hashes cover values only (in state-dict order), not names, so renaming passes and
/// reordering or changing a number fails. A later change that alters the numerics on purpose updates the hashes in the
/// same commit and records there the measured difference. One libtorch thread, so the reductions do not depend on the
/// machine's core count; the recording machine is <see cref="RefactorGuard.RecordedKernels"/>.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class UNetSamplesAreUnchangedTests : IDisposable
{
    /// <summary>DDIM, 5 steps, eta 0, guidance 4, digits 0..3, generator seed 2024, from examples/MnistDit/reference-unet.</summary>
    private const string UNetDdimSamples = "7A50103FE2915D1FB92CAC768062FD7A652390575393488667675E7E1E5CAC68";

    /// <summary>Logits of examples/MnistDit/noisy-classifier on seeded noise (seed 5) at t = 0, 250, 500, 999.</summary>
    private const string NoisyClassifierLogits = "60B6FDFEC80A3F77D98C91D3C5923CDB7797A931E56D2D39AD5EF130849E78DA";

    /// <summary>DDIM, 3 steps, eta 0, null label (guidance 0), classifier guidance s = 4 toward 4..7, seed 2025.</summary>
    private const string ClassifierGuidedSamples = "05404B770C2121355176849F6F09A576617A83E10B67F6956C4EE456190D73CC";

    /// <summary>Initial weights of a MnistUNet built after manual_seed(17).</summary>
    private const string FreshUNetWeights = "D695B9FCBD20BA3AF95283E2816A113670A805359A4D6A9367BD2C190FC99C94";

    /// <summary>Its output after seeded noise moved every parameter, in eval mode and then in training mode (dropout).</summary>
    private const string FreshUNetForward = "2E90F8041EBDE62237709413E6886FF3CCB648DCB5C3FEE9044B0D2F0E6CA6F3";

    /// <summary>Initial weights of a MnistNoisyEncoder built after manual_seed(17).</summary>
    private const string FreshEncoderWeights = "1984561A4FDF8DE8D451EF27B4BD3A0C6A7AC16DBF6460FA6E42B145142FEF01";

    /// <summary>Its logits after seeded noise moved every parameter.</summary>
    private const string FreshEncoderForward = "23BBCD34561DA4A9E84D61C4A893A79EA5354EA221579354312FC3B50023C84D";

    public UNetSamplesAreUnchangedTests()
    {
        TestTorch.Init();
        torch.set_num_threads(1);
    }

    public void Dispose() => torch.set_num_threads(2);

    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    [Fact]
    public void Ddim_samples_from_the_shipped_unet_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var diffusion = new MnistUNetDiffusion();
        CheckpointLoader.LoadForSampling(diffusion, Example("reference-unet"));
        using var generator = new Generator(2024);
        var request = new SampleRequest(4, tensor(new long[] { 0, 1, 2, 3 }), Steps: 5, Eta: 0.0,
            GuidanceScale: MnistUNetDiffusion.DefaultGuidanceScale);
        Tensor samples;
        using (no_grad()) samples = diffusion.Sample(SamplerKind.Ddim, request, generator);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, samples.shape);
        Assert.True(samples.isfinite().all().item<bool>() && samples.abs().max().ToDouble() > 0.5);
        RefactorGuard.AssertUnchanged(samples, "unet-ddim-samples.safetensors", "samples", UNetDdimSamples, otherKernelsTolerance: 2e-3);
    }

    [Fact]
    public void Shipped_noisy_classifier_logits_and_a_classifier_guided_sample_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var classifier = new MnistNoisyClassifier();
        CheckpointLoader.LoadForSampling(classifier, Example("noisy-classifier"));
        using var inputs = new Generator(5);
        var x = randn(new long[] { 4, 1, 28, 28 }, generator: inputs);
        Tensor logits;
        using (no_grad()) logits = classifier.Logits(x, tensor(new long[] { 0, 250, 500, 999 }));
        Assert.Equal(new long[] { 4, 10 }, logits.shape);
        RefactorGuard.AssertUnchanged(logits, "unet-classifier-logits.safetensors", "logits", NoisyClassifierLogits, otherKernelsTolerance: 1e-4);

        var diffusion = new MnistUNetDiffusion();
        CheckpointLoader.LoadForSampling(diffusion, Example("reference-unet"));
        using var generator = new Generator(2025);
        var request = new SampleRequest(4, tensor(new long[] { 4, 5, 6, 7 }), Steps: 3, Eta: 0.0, GuidanceScale: 0.0)
        {
            Classifier = new ClassifierGuidance(classifier, 4.0),
        };
        Tensor samples;
        using (no_grad()) samples = diffusion.Sample(SamplerKind.Ddim, request, generator);
        Assert.True(samples.isfinite().all().item<bool>());
        RefactorGuard.AssertUnchanged(samples, "unet-classifier-guided.safetensors", "samples", ClassifierGuidedSamples, otherKernelsTolerance: 2e-3);
    }

    [Fact]
    public void A_freshly_seeded_unet_has_the_same_weights_and_output_bytes()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(17);
        using var network = new MnistUNet();
        Assert.Equal(FreshUNetWeights, RefactorGuard.Sha256(network.state_dict().Values.ToArray()));

        // The zero-initialised convolutions make the fresh output exactly zero: move every parameter, then run it.
        Perturb(network);
        var x = randn(3, 1, 28, 28);
        var t = tensor(new long[] { 0, 500, 999 });
        var y = tensor(new long[] { 3, 7, MnistUNet.NullLabel });
        Tensor evaluated, trained;
        using (no_grad())
        {
            network.eval();
            evaluated = network.call(x, t, y);
            network.train();
            trained = network.call(x, t, y);    // dropout 0.1 draws from the seeded default generator
        }
        Assert.False(evaluated.eq(trained).all().item<bool>(), "dropout changed nothing in training mode");
        RefactorGuard.AssertUnchanged(cat(new[] { evaluated, trained }), "unet-fresh-forward.safetensors", "output", FreshUNetForward, otherKernelsTolerance: 1e-5);
    }

    [Fact]
    public void A_freshly_seeded_encoder_has_the_same_weights_and_output_bytes()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(17);
        using var network = new MnistNoisyEncoder();
        Assert.Equal(FreshEncoderWeights, RefactorGuard.Sha256(network.state_dict().Values.ToArray()));

        Perturb(network);
        var x = randn(3, 1, 28, 28);
        var t = tensor(new long[] { 0, 500, 999 });
        Tensor logits;
        using (no_grad()) logits = network.call(x, t);
        RefactorGuard.AssertUnchanged(logits, "encoder-fresh-forward.safetensors", "output", FreshEncoderForward, otherKernelsTolerance: 1e-5);
    }

    /// <summary>Adds N(0, 0.05^2) noise (seed 18) to every parameter, in named_parameters order.</summary>
    private static void Perturb(nn.Module network)
    {
        torch.random.manual_seed(18);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in network.named_parameters()) parameter.add_(randn_like(parameter) * 0.05);
    }
}
