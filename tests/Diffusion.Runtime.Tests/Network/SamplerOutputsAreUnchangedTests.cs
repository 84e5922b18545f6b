using System;
using System.IO;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Guidance;
using Diffusion.Runtime.Tests.Training;
using Examples.Mnist;
using TorchSharp;
using Xunit;
using static Diffusion.Runtime.Tests.Network.RefactorGuard;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Network;

/// <summary>Velocity, learned variance, the hybrid objective and min-SNR weighting on a tiny labelled DiT.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1, LearnSigma = true)]
[Patchify(PatchSize = 2, Width = 16)]
[TimestepEmbedding(FrequencyDim = 16)]
[LabelEmbedding(Classes = 3, DropRate = 0.3)]
[AdaLnZeroBlocks(Depth = 2, Heads = 2)]
public partial class GuardSigmaDit;

[DiffusionModel(typeof(CosineSchedule1000), typeof(GuardSigmaDit), Predicts = Prediction.Velocity, Variance = ReverseVariance.Learned,
    Objective = Objective.Hybrid, Weighting = LossWeighting.MinSnr)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class GuardVelocityModel;

/// <summary>
/// REFACTOR GUARD (issue 10, samplers, loss and parameterization). Recorded on the code before the samplers moved to
/// one emitter per sampler over the scheduler layer: every sampler path (DDPM, DDIM at eta 1, dynamic thresholding,
/// no thresholding, classifier guidance, classifier-free guidance), the training loss with its label dropout and the
/// variational-bound terms, for the shipped DiT reference and for tiny declarations that reach the velocity, learned
/// variance, fixed large variance, hybrid and min-SNR branches. A refactor keeps every bit; a deliberate change of
/// numerics updates the hashes in its commit with the measured difference. One libtorch thread.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class SamplerOutputsAreUnchangedTests : IDisposable
{
    /// <summary>DDPM, 6 steps, guidance 4, digits 0..3, seed 2025, from examples/MnistDit/reference.</summary>
    private const string ReferenceDdpm = "63E5459C5AF374EFAE688E8B102611C9D16AD57B0BC35B82CC3066E863AFE22C";

    /// <summary>DDIM at eta 1, 6 steps, guidance 4, seed 2026.</summary>
    private const string ReferenceDdimEtaOne = "C6B0660A105338A5CEC1BF6715A85905D583C34DB0C5772A6C302A46243F45D7";

    /// <summary>DDIM at eta 0.5 with dynamic thresholding at p = 0.9, 5 steps, seed 2027.</summary>
    private const string ReferenceDynamicThresholding = "965C0B091F81CD05893B93463C223D7B5A06591F196012C42084D9B3C1756B68";

    /// <summary>DDPM without thresholding, 10 steps, conditional only, seed 2028 (values reach 1e3: x0_hat is unclipped).</summary>
    private const string ReferenceUnthresholdedDdpm = "D2744DCCF16F90E2FF156BAFBC550C2947862D85B9A2AB2CDADA9E0250852F63";

    /// <summary>DDPM, 3 steps, the null label guided by the shipped noisy classifier at s = 4 toward 4 and 7, seed 2029.</summary>
    private const string ReferenceClassifierGuided = "59606799C5A6AFE7B8781452F78B18C6F160C9BB860BAD7B176BBB5C5121CB13";

    /// <summary>TrainingLoss on 64 seeded inputs with labels (its t, eps and label dropout from seed 32).</summary>
    private const string ReferenceLoss = "2CF526F8BAD4E892CA6923BBA26DD66E06B7ACD8CD9F94D752A9C8D64E8BBE97";

    /// <summary>VariationalBoundTerms at t = 0, 1, 500, 999 on the same inputs.</summary>
    private const string ReferenceBound = "18FF4CFDFADD65FB4E5213969D02F7087EE47B8FD42C2A4FD303C3324E3D42C4";

    /// <summary>GuardVelocityModel (perturbed weights): the hybrid min-SNR loss on 8 seeded inputs.</summary>
    private const string VelocityLoss = "4348F6E08642EAC6665AABC73A3F243C79F946B912D92AA568EACEF558A0F973";

    /// <summary>Its bound terms with the learned variance.</summary>
    private const string VelocityBound = "E9533BBA73E6BDB32D5C7E83F4BC88A3FC3E4841ED97A4615A3E0D5F9FD43D7D";

    /// <summary>Its DDPM (learned variance) and DDIM (eta 1, unthresholded) samples with classifier-free guidance 3.</summary>
    private const string VelocitySamples = "E109EA0357FE5A3171DFF7CBEDCA594EC840F751A1232BD9C80AB55D39FFC2AE";

    /// <summary>TinyFixedLargeModel (perturbed weights): DDPM samples with sigma^2 = beta.</summary>
    private const string FixedLargeSamples = "A9CB3F7382FAF13EE88E13FFAFA22C75348133E7A712D52DA74846DA44FAC304";

    /// <summary>Its bound terms with the fixed large variance.</summary>
    private const string FixedLargeBound = "6573E50A5DE1855BB546772F20CEBB667A9BE7B873ADF082BD55F19373C721CD";

    /// <summary>ToyGuidedVelocityModel (perturbed weights): DDIM at eta 0.7 guided by the exact ring classifier.</summary>
    private const string GuidedVelocitySamples = "D525DBB9599E79BDBF8C4FEEBABF99B35B1FA82B88ABB57D21C81380A1532C0E";

    public SamplerOutputsAreUnchangedTests()
    {
        TestTorch.Init();
        torch.set_num_threads(1);
    }

    public void Dispose() => torch.set_num_threads(2);

    private static string Example(string name) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", name);

    private static MnistDiffusion Reference()
    {
        var diffusion = new MnistDiffusion();
        CheckpointLoader.LoadForSampling(diffusion, Example("reference"));
        return diffusion;
    }

    private static Tensor Sample(IDiffusionModel model, SamplerKind sampler, SampleRequest request, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using (no_grad()) return model.Sample(sampler, request, generator);
    }

    private static SampleRequest Digits(int steps, double eta = 0.0) =>
        new(4, tensor(new long[] { 0, 1, 2, 3 }), Steps: steps, Eta: eta, GuidanceScale: MnistDiffusion.DefaultGuidanceScale);

    [Fact]
    public void Ddpm_samples_from_the_shipped_reference_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var samples = Sample(Reference(), SamplerKind.Ddpm, Digits(6), 2025);
        Assert.True(samples.isfinite().all().item<bool>() && samples.abs().max().ToDouble() > 0.5);
        AssertUnchanged(samples, "samplers-reference-ddpm.safetensors", "samples", ReferenceDdpm, otherKernelsTolerance: 2e-3);
    }

    [Fact]
    public void Ddim_samples_at_eta_one_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var samples = Sample(Reference(), SamplerKind.Ddim, Digits(6, eta: 1.0), 2026);
        // Fresh noise at every step carries other kernels' roundings further than the deterministic samplers do.
        AssertUnchanged(samples, "samplers-reference-ddim-eta1.safetensors", "samples", ReferenceDdimEtaOne, otherKernelsTolerance: 1e-2);
    }

    [Fact]
    public void Dynamic_thresholding_and_no_thresholding_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var reference = Reference();
        var dynamic = Sample(reference, SamplerKind.Ddim, Digits(5, eta: 0.5) with { Thresholding = Thresholding.Dynamic, DynamicPercentile = 0.9 }, 2027);
        AssertUnchanged(dynamic, "samplers-reference-dynamic.safetensors", "samples", ReferenceDynamicThresholding, otherKernelsTolerance: 2e-3);
        var none = Sample(reference, SamplerKind.Ddpm, Digits(10) with { Thresholding = Thresholding.None, GuidanceScale = 1.0 }, 2028);
        AssertUnchanged(none, "samplers-reference-unthresholded.safetensors", "samples", ReferenceUnthresholdedDdpm, otherKernelsTolerance: 0.5);
    }

    [Fact]
    public void Classifier_guided_samples_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var classifier = new MnistNoisyClassifier();
        CheckpointLoader.LoadForSampling(classifier, Example("noisy-classifier"));
        classifier.Network.eval();
        var request = new SampleRequest(2, tensor(new long[] { 4, 7 }), Steps: 3, GuidanceScale: 0.0)
        {
            Classifier = new ClassifierGuidance(classifier, 4.0),
        };
        var samples = Sample(Reference(), SamplerKind.Ddpm, request, 2029);
        AssertUnchanged(samples, "samplers-reference-classifier-guided.safetensors", "samples", ReferenceClassifierGuided, otherKernelsTolerance: 2e-3);
    }

    [Fact]
    public void Training_loss_and_bound_terms_of_the_reference_are_bit_identical()
    {
        using var scope = NewDisposeScope();
        var reference = Reference();
        using var data = new Generator(31);
        var x0 = rand(new long[] { 64, 1, 28, 28 }, generator: data) * 2 - 1;
        var labels = randint(0, 10, new long[] { 64 }, dtype: ScalarType.Int64, generator: data);
        using var generator = new Generator(32);
        using (no_grad())
        {
            var loss = reference.TrainingLoss(x0, labels, generator);    // label dropout at rate 0.1: about 6 of the 64 labels
            AssertUnchanged(loss, "samplers-reference-loss.safetensors", "loss", ReferenceLoss, otherKernelsTolerance: 1e-5);
            AssertUnchanged(BoundTerms(reference, x0, labels, data), "samplers-reference-bound.safetensors", "terms", ReferenceBound, otherKernelsTolerance: 1e-4);
        }
    }

    /// <summary>L_t at t = 0 (the decoder), 1, 500 and 999 for x_t drawn by hand: the forward noising is outside what is checked.</summary>
    private static Tensor BoundTerms(IDiffusionModel model, Tensor x0, Tensor? labels, Generator data)
    {
        long repeats = x0.shape[0] / 4;
        var t = tensor(new long[] { 0, 1, 500, 999 }).repeat(repeats);
        var table = model.Schedule.AlphasCumprod;
        var abar = tensor(new[] { table[0], table[1], table[500], table[999] }).repeat(repeats).reshape(-1, 1, 1, 1).to(ScalarType.Float32);
        var xt = abar.sqrt() * x0 + (1 - abar).sqrt() * randn(x0.shape, generator: data);
        var output = model.Denoise(xt, t, labels);
        return model switch
        {
            MnistDiffusion m => m.VariationalBoundTerms(x0, xt, t, output),
            GuardVelocityModel m => m.VariationalBoundTerms(x0, xt, t, output),
            TinyFixedLargeModel m => m.VariationalBoundTerms(x0, xt, t, output),
            _ => throw new ArgumentException(model.GetType().Name),
        };
    }

    /// <summary>Every parameter moved off its initial value by seeded noise: adaLN-Zero starts with a zero output.</summary>
    private static void Perturb(nn.Module network, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (_, parameter) in network.named_parameters())
                parameter.add_(randn(parameter.shape, generator: generator) * 0.3);
        }
    }

    [Fact]
    public void Velocity_learned_variance_hybrid_min_snr_is_bit_identical()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(41);
        var model = new GuardVelocityModel();
        Perturb(model.Network, 42);
        using var data = new Generator(43);
        var x0 = rand(new long[] { 8, 1, 4, 4 }, generator: data) * 2 - 1;
        var labels = randint(0, 3, new long[] { 8 }, dtype: ScalarType.Int64, generator: data);
        using var generator = new Generator(44);
        using (no_grad())
        {
            AssertUnchanged(model.TrainingLoss(x0, labels, generator), "samplers-velocity-loss.safetensors", "loss", VelocityLoss, otherKernelsTolerance: 1e-5);
            AssertUnchanged(BoundTerms(model, x0, labels, data), "samplers-velocity-bound.safetensors", "terms", VelocityBound, otherKernelsTolerance: 1e-4);
        }
        var request = new SampleRequest(3, tensor(new long[] { 0, 1, 2 }), Steps: 8, Eta: 1.0, GuidanceScale: GuardVelocityModel.DefaultGuidanceScale);
        var ddpm = Sample(model, SamplerKind.Ddpm, request, 45);
        var ddim = Sample(model, SamplerKind.Ddim, request with { Thresholding = Thresholding.None }, 46);
        AssertUnchanged(cat(new[] { ddpm, ddim }, 0), "samplers-velocity-samples.safetensors", "samples", VelocitySamples, otherKernelsTolerance: 1e-4);
    }

    [Fact]
    public void Fixed_large_variance_is_bit_identical()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(51);
        var model = new TinyFixedLargeModel();
        Perturb(model.Network, 52);
        var samples = Sample(model, SamplerKind.Ddpm, new SampleRequest(3, Steps: 8), 53);
        AssertUnchanged(samples, "samplers-fixed-large-samples.safetensors", "samples", FixedLargeSamples, otherKernelsTolerance: 1e-4);
        using var data = new Generator(54);
        var x0 = rand(new long[] { 8, 1, 4, 4 }, generator: data) * 2 - 1;
        using (no_grad())
        {
            var terms = BoundTerms(model, x0, null, data);
            AssertUnchanged(terms, "samplers-fixed-large-bound.safetensors", "terms", FixedLargeBound, otherKernelsTolerance: 1e-4);
        }
    }

    [Fact]
    public void Classifier_guidance_through_a_velocity_prediction_is_bit_identical()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(61);
        var model = new ToyGuidedVelocityModel();
        Perturb(model.Network, 62);
        var request = new SampleRequest(4, tensor(new long[] { 0, 2, 4, 6 }), Steps: 6, Eta: 0.7)
        {
            Classifier = new ClassifierGuidance(new RingClassifier(model.Schedule), 2.0),
        };
        var samples = Sample(model, SamplerKind.Ddim, request, 63);
        AssertUnchanged(samples, "samplers-guided-velocity-samples.safetensors", "samples", GuidedVelocitySamples, otherKernelsTolerance: 1e-4);
    }
}
