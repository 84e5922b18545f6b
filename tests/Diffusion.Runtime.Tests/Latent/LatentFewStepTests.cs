using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>
/// A consistency model on latents (TinyLatentConsistency, distilled from TinyLatentDiffusion): the trainer's batches are
/// the posteriors' moments, from which the loss draws its latents; the sampler leaves latents unclamped and decodes once.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class LatentFewStepTests
{
    [Fact]
    public void The_trainable_draws_latents_from_the_moments_then_takes_the_distillation_loss_on_them()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var teacher = new TinyLatentDiffusion();
        var student = new TinyLatentConsistency();
        student.LatentScale = teacher.LatentScale = 0.7;
        var trainable = new ConsistencyTrainable(student, teacher);
        trainable.BeginStep(3, 10);
        using var images = new Generator(1);
        var x = rand(new long[] { 4, 1, 8, 8 }, generator: images) * 2 - 1;
        Tensor moments;
        using (no_grad())
        {
            var posterior = student.Autoencoder.Encode(x);
            moments = cat(new[] { posterior.Mean, posterior.LogVariance }, 1);    // (4, 4, 4, 4): EncodedTrainingSet's batches
        }
        var labels = tensor(new long[] { 0, 1, 2, 0 });

        Tensor loss, expected;
        using (var generator = new Generator(5)) loss = trainable.TrainingLoss(moments, labels, generator);
        using (var generator = new Generator(5))
        {
            // By hand: the model's own latent draw (s z, z from the posterior), then its loss with the teacher.
            var latents = student.LatentsFromPosterior(DiagonalGaussian.FromMoments(moments), generator);
            Assert.Equal(new long[] { 4, 2, 4, 4 }, latents.shape);
            expected = student.ConsistencyDistillationLoss(latents, labels, generator, teacher);
        }
        Assert.Equal(expected.item<float>(), loss.item<float>());
        Assert.True(float.IsFinite(loss.item<float>()));
    }

    [Fact]
    public void Sampling_applies_the_consistency_function_to_unclamped_latents_and_decodes_once()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLatentConsistency();
        model.LatentScale = 0.5;
        int decodes = 0;
        var hook = model.Autoencoder.Decoder.register_forward_hook((_, _, output) => { decodes++; return output; });
        // A denoiser whose velocity is a large constant puts f far outside [-1, 1], where a clamp would show.
        Denoiser loud = (xt, t, y) => full_like(xt, 40.0);
        var labels = tensor(new long[] { 0, 1, 2 });
        var request = new SampleRequest(3, labels, Steps: 1, Eta: 0.0, GuidanceScale: 1.0) { Thresholding = Thresholding.None };

        Tensor latents, images;
        using (var generator = new Generator(7)) latents = model.SampleLatents(SamplerKind.Consistency, request, generator, loud);
        using (var generator = new Generator(7)) images = model.Sample(SamplerKind.Consistency, request, generator, loud);
        Assert.Equal(1, decodes);
        Assert.True(latents.abs().max().item<float>() > 1.5f, "the test's latents should lie outside [-1, 1]");

        // By hand: x_T = s_max z from the same generator, then f(x_T, s_max) with the same denoiser, unclamped.
        Tensor byHand;
        using (var generator = new Generator(7))
        {
            var start = randn(new long[] { 3, 2, 4, 4 }, generator: generator) * TinyLatentConsistency.SigmaMax;
            byHand = model.Consistency(start, tensor(TinyLatentConsistency.SigmaMax), labels, loud);
        }
        Assert.True(latents.allclose(byHand, rtol: 1e-5, atol: 1e-5));
        using var noGrad = no_grad();
        Assert.True(model.Autoencoder.Decode(latents / 0.5).allclose(images, rtol: 1e-5, atol: 1e-5));
        hook.remove();
    }
}
