using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Toy;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Guidance;

/// <summary>
/// Classifier guidance in the generated samplers, against the ring mixture's exact denoiser and exact classifier: the
/// guided samplers must move samples into the chosen component as the scale grows, and at s = 0 must reproduce the
/// unguided samples bit for bit.
/// </summary>
public class ClassifierGuidanceTests(ITestOutputHelper output)
{
    private const int Count = 2000;
    private const int Target = 3;

    private static Denoiser ExactNoise(IDiffusionModel model) => (x, t, labels) => RingMixture.OptimalNoise(x, t, model.Schedule.AlphasCumprod);

    /// <summary>The exact velocity v = sqrt(abar) eps - sqrt(1 - abar) x0 from the exact eps (Salimans and Ho 2022).</summary>
    private static Denoiser ExactVelocity(IDiffusionModel model) => (x, t, labels) =>
    {
        using var scope = NewDisposeScope();
        var noise = RingMixture.OptimalNoise(x, t, model.Schedule.AlphasCumprod);
        var a = Diffusion.Runtime.Schedules.NoiseSchedule.Gather(model.Schedule.SqrtAlphasCumprod, t, x.dim()).to(x.dtype);
        var s = Diffusion.Runtime.Schedules.NoiseSchedule.Gather(model.Schedule.SqrtOneMinusAlphasCumprod, t, x.dim()).to(x.dtype);
        var clean = (x - s * noise) / a;
        return (a * noise - s * clean).MoveToOuterDisposeScope();
    };

    private static Tensor Run(IDiffusionModel model, SamplerKind sampler, Denoiser denoiser, double? scale, int steps, long seed = 11)
    {
        using var generator = new Generator((ulong)seed);
        var labels = full(new long[] { Count }, Target, dtype: ScalarType.Int64);
        var request = new SampleRequest(Count, scale is null ? null : labels, steps)
        {
            Thresholding = Thresholding.None,
            Eta = sampler == SamplerKind.Ddim ? 0.0 : 1.0,
            Classifier = scale is null ? null : new ClassifierGuidance(new RingClassifier(model.Schedule), scale.Value),
        };
        return model.Sample(sampler, request, generator, denoiser);
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm, 100)]
    [InlineData(SamplerKind.Ddim, 50)]
    public void Scale_zero_reproduces_the_unguided_samples_exactly(SamplerKind sampler, int steps)
    {
        using var scope = NewDisposeScope();
        var model = new ToyGuidedModel();
        var unguided = Run(model, sampler, ExactNoise(model), null, steps);
        var zero = Run(model, sampler, ExactNoise(model), 0.0, steps);
        Assert.True(unguided.eq(zero).all().item<bool>(), "s = 0 changed the samples");
        var guided = Run(model, sampler, ExactNoise(model), 1.0, steps);
        Assert.False(unguided.eq(guided).all().item<bool>(), "s = 1 left the samples unchanged");
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm, 100)]
    [InlineData(SamplerKind.Ddim, 50)]
    public void Growing_scale_moves_the_samples_into_the_chosen_component(SamplerKind sampler, int steps)
    {
        using var scope = NewDisposeScope();
        var model = new ToyGuidedModel();
        var scales = new[] { 0.0, 0.25, 1.0, 4.0 };
        var shares = scales.Select(s => RingMixture.ModeShares(Run(model, sampler, ExactNoise(model), s, steps))[Target]).ToArray();
        output.WriteLine($"{sampler}: share of samples nearest mode {Target} at s = {string.Join(", ", scales)}: {string.Join(", ", shares.Select(v => v.ToString("F3")))}");
        Assert.InRange(shares[0], 0.125 - 0.03, 0.125 + 0.03);    // unguided: one mode in eight
        for (int i = 1; i < shares.Length; i++) Assert.True(shares[i] > shares[i - 1], $"share fell from {shares[i - 1]:F3} to {shares[i]:F3} at s = {scales[i]}");
        // s = 1 samples p(x | y), which is the component itself: its modes are 3.6 standard deviations apart.
        Assert.True(shares[2] > 0.95, $"s = 1: {shares[2]:F3}");
        Assert.True(shares[3] > 0.99, $"s = 4: {shares[3]:F3}");
    }

    [Fact]
    public void A_velocity_model_is_guided_through_its_parameterization()
    {
        using var scope = NewDisposeScope();
        var noise = new ToyGuidedModel();
        var velocity = new ToyGuidedVelocityModel();
        // The same exact model in two parameterizations: guided DDIM agrees up to float32 rounding of the conversions.
        var fromNoise = Run(noise, SamplerKind.Ddim, ExactNoise(noise), 1.0, 50);
        var fromVelocity = Run(velocity, SamplerKind.Ddim, ExactVelocity(velocity), 1.0, 50);
        double difference = (fromNoise - fromVelocity).abs().max().item<float>();
        output.WriteLine($"max |noise-guided - velocity-guided| = {difference:E2}");
        Assert.True(difference < 1e-3, $"{difference}");
        Assert.True(RingMixture.ModeShares(fromVelocity)[Target] > 0.95);
    }

    [Fact]
    public void Requests_with_a_classifier_are_checked()
    {
        using var scope = NewDisposeScope();
        var model = new ToyGuidedModel();
        using var generator = new Generator(1);
        var guidance = new ClassifierGuidance(new RingClassifier(model.Schedule), 1.0);
        var noLabels = new SampleRequest(4, null, 10) { Classifier = guidance };
        Assert.Contains("classifier guidance needs labels", Assert.Throws<ArgumentException>(() => model.Sample(SamplerKind.Ddim, noLabels, generator)).Message);
        var outOfRange = new SampleRequest(4, full(new long[] { 4 }, 8L, dtype: ScalarType.Int64), 10) { Classifier = guidance };
        Assert.Contains("0..7", Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(SamplerKind.Ddim, outOfRange, generator)).Message);
        var otherSchedule = new SampleRequest(4, zeros(new long[] { 4 }, dtype: ScalarType.Int64), 10)
        {
            Classifier = new ClassifierGuidance(new RingClassifier(Diffusion.Runtime.Schedules.NoiseSchedule.Cosine(1000)), 1.0),
        };
        Assert.Contains("another noise schedule", Assert.Throws<ArgumentException>(() => model.Sample(SamplerKind.Ddim, otherSchedule, generator)).Message);
        var negative = new SampleRequest(4, zeros(new long[] { 4 }, dtype: ScalarType.Int64), 10) { Classifier = guidance with { Scale = -1 } };
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(SamplerKind.Ddim, negative, generator));
    }
}
