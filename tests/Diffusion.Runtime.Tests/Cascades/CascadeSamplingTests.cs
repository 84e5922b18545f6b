using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>
/// Sampling a cascade (Ho et al. 2021, Sec. 3): stage k receives stage k - 1's output (clipped to [-1, 1]), the
/// generated cascade is exactly that chain, and under classifier-free guidance the low-resolution image stays with both
/// halves of the batch.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class CascadeSamplingTests
{
    /// <summary>A super-resolution stage that records the low-resolution images it is given, then samples as its inner stage.</summary>
    private sealed class RecordingStage(TinyUp inner) : ISuperResolutionModel
    {
        public List<Tensor> Received { get; } = new();

        public Tensor SampleFrom(Tensor lowResolution, SamplerKind sampler, SampleRequest request, Generator generator,
            double? augmentationLevel = null, Action<int, Tensor>? onStep = null)
        {
            Received.Add(lowResolution.clone().DetachFromDisposeScope());
            return inner.SampleFrom(lowResolution, sampler, request, generator, augmentationLevel, onStep);
        }

        public int FromSize => TinyUp.FromSize;
        public int ImageSize => TinyUp.ImageSize;
        public NoiseAugmentation Augmentation => TinyUp.Augmentation;
        public double SamplingLevel => TinyUp.SamplingLevel;
        public NoiseSchedule Schedule => inner.Schedule;
        public nn.Module Network => inner.Network;
        public ModelDescription Description => inner.Description;
        public IReadOnlyList<SamplerKind> Samplers => inner.Samplers;
        public double? ClassifierFreeGuidanceScale => inner.ClassifierFreeGuidanceScale;
        public Tensor Denoise(Tensor x, Tensor t, Tensor? labels) => inner.Denoise(x, t, labels);
        public (Tensor Noise, Tensor CleanSample) Predict(Tensor x, Tensor t, Tensor? labels, double guidanceScale = 1, Denoiser? denoiser = null) =>
            inner.Predict(x, t, labels, guidanceScale, denoiser);
        public Tensor VariationalBoundTerms(Tensor x0, Tensor xt, Tensor t, Tensor output) => inner.VariationalBoundTerms(x0, xt, t, output);
        public Tensor Sample(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, Action<int, Tensor>? onStep = null) =>
            inner.Sample(sampler, request, generator, denoiser, onStep);
        public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator) => inner.TrainingLoss(x0, labels, generator);
    }

    private static SampleRequest Request(double guidance) =>
        new(4, tensor(new long[] { 0, 1, 2, 1 }), Steps: 3, GuidanceScale: guidance);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Stage_1_receives_stage_0s_output_clipped_to_the_data_range(double guidance)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var recording = new RecordingStage(new TinyUp());
        var stages = new IDiffusionModel[] { new TinyBase(), recording };

        var images = CascadeSampling.Run(stages, SamplerKind.Ddim, Request(guidance), new Generator(9));

        Assert.Equal(2, images.Count);
        Assert.Equal(new long[] { 4, 1, 4, 4 }, images[0].shape);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, images[1].shape);
        var received = Assert.Single(recording.Received);
        Assert.True(Exactly.Same(received, images[0].clamp((-1.0).ToScalar(), 1.0.ToScalar())));
    }

    [Fact]
    public void The_generated_cascade_is_the_base_then_the_stage_from_its_output()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var cascade = new TinyCascade();
        var request = Request(2.0);

        var chained = cascade.SampleStages(SamplerKind.Ddim, request, new Generator(21), augmentationLevel: 3);

        // By hand, on the same stages with a generator from the same seed: the base, then the stage from its output.
        var generator = new Generator(21);
        var low = cascade.Stage0.Sample(SamplerKind.Ddim, request, generator);
        var high = cascade.Stage1.SampleFrom(low.clamp((-1.0).ToScalar(), 1.0.ToScalar()), SamplerKind.Ddim, request, generator, 3);
        Assert.True(Exactly.Same(chained[0], low));
        Assert.True(Exactly.Same(chained[1], high));
    }

    [Fact]
    public void Under_guidance_both_halves_of_the_batch_see_the_low_resolution_image()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var conditioning = arange(2 * 1 * 2 * 2, dtype: ScalarType.Float32).reshape(2, 1, 2, 2);
        var levels = tensor(new[] { 3.0f, 7.0f });
        var seen = new List<(Tensor Conditioning, Tensor Levels, Tensor? Labels)>();
        var denoiser = ConditionedDenoiser.Create((x, t, y, c, s) =>
        {
            seen.Add((c.clone().DetachFromDisposeScope(), s.clone().DetachFromDisposeScope(), y?.clone().DetachFromDisposeScope()));
            return zeros_like(x);
        }, conditioning, levels);

        // The guided call of a generated sampler: the conditional half, then the null-label half (label 3).
        denoiser(zeros(4, 1, 2, 2), tensor(new long[] { 5, 5, 5, 5 }), tensor(new long[] { 0, 1, 3, 3 }));

        var (c, s, y) = Assert.Single(seen);
        Assert.True(Exactly.Same(c, cat(new[] { conditioning, conditioning }, 0)));
        Assert.True(Exactly.Same(s, tensor(new[] { 3.0f, 7.0f, 3.0f, 7.0f })));
        Assert.True(Exactly.Same(y!, tensor(new long[] { 0, 1, 3, 3 })));    // only the labels differ by half
    }

    [Fact]
    public void A_stage_without_the_requested_sampler_is_refused_before_any_sampling()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var stages = new IDiffusionModel[] { new TinyBase(), new TinyUp() };
        var error = Assert.Throws<ArgumentException>(() => CascadeSampling.Run(stages, SamplerKind.Ddpm, Request(1.0), new Generator(1)));
        Assert.Contains("Stage 0", error.Message);
    }

    [Fact]
    public void The_super_resolution_loss_of_a_batch_is_finite_and_reaches_the_network()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyUp();
        var generator = new Generator(4);
        var x0 = rand(new long[] { 6, 1, 8, 8 }, generator: generator).mul(2.0.ToScalar()).sub(1.0.ToScalar());
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2 });

        var loss = model.TrainingLoss(x0, labels, new Generator(8));
        loss.backward();

        Assert.True(double.IsFinite(loss.item<float>()));
        var gradient = model.Network.named_parameters().First(p => p.name == "x_embedder.proj.weight").parameter.grad;
        Assert.NotNull(gradient);
    }
}
