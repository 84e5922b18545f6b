using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Tests.Text;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Unclip;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>
/// Text on latents (Rombach et al. 2022, Sec. 3.3): training draws each image's caption, then its latent from the cached
/// posterior's moments, then the model's text loss; sampling guides over text on latents and decodes once.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class LatentTextTests
{
    private static readonly string[][] Captions = [["ab", "abc"], ["x"], ["yz"]];

    [Fact]
    public void The_loss_draws_the_captions_then_the_latents_from_the_moments_then_the_text_loss()
    {
        TestTorch.Init();
        using var folder = new TempFolder();
        var embeddings = CaptionEmbeddingCache.Load(folder.Combine("cache.safetensors"), Captions.SelectMany(c => c), new TextTrainableTests.CharacterEncoder());
        var model = new TinyLatentText();
        model.LatentScale = 0.5;
        var trainable = new TextTrainable(model, Captions, embeddings);
        using var scope = NewDisposeScope();
        var moments = randn(new long[] { 6, 4, 4, 4 }, generator: new Generator(3));    // (N, 2c, h, w): mean, log-variance
        var indices = tensor(new long[] { 0, 1, 2, 0, 0, 2 });

        using var generator = new Generator(17);
        var loss = trainable.TrainingLoss(moments, indices, generator);

        // By hand, in the same order from one generator: the captions (6 uniforms), the posterior sample, the loss.
        using var replay = new Generator(17);
        var u = rand(6, ScalarType.Float64, generator: replay);
        var picked = indices.data<long>().ToArray().Select((image, b) => Captions[image][(int)(u[b].item<double>() * Captions[image].Length)]).ToArray();
        using var encoding = embeddings.Gather(picked);
        var text = encoding.ToConditioning(4);
        using var posterior = DiagonalGaussian.FromMoments(moments);
        var z = posterior.Sample(replay) * 0.5;    // s z, s = 0.5
        var expected = model.TrainingLoss(z, text, replay);
        Assert.Equal(expected.item<float>(), loss.item<float>());

        var refused = Assert.Throws<InvalidOperationException>(() => ((ILatentDiffusionModel)model).LatentTrainingLoss(posterior, null, generator));
        Assert.Contains("TinyLatentText is conditioned on text: train it on (latent, text) batches", refused.Message);
    }

    [Fact]
    public void Prompts_are_sampled_as_guided_latents_decoded_once()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLatentText();
        model.LatentScale = 0.5;
        // adaLN-Zero starts every block at the identity, where text changes nothing: random weights make it matter.
        using (no_grad())
        using (var weights = new Generator(9))
            foreach (var parameter in model.Network.parameters()) parameter.copy_(randn(parameter.shape, generator: weights) * 0.3);
        using var encoding = new TextTrainableTests.CharacterEncoder().Encode(["ab", "x", "yz"]);
        var prompts = encoding.ToConditioning(4);
        var request = new SampleRequest(3, null, Steps: 4, Eta: 0.0, GuidanceScale: 3.0) { Thresholding = Thresholding.None };
        int decodes = 0;
        var hook = model.Autoencoder.Decoder.register_forward_hook((_, _, output) => { decodes++; return output; });

        Tensor images;
        using (var generator = new Generator(5)) images = model.SampleText(prompts, SamplerKind.Ddim, request, generator);

        Assert.Equal(1, decodes);
        hook.remove();
        Assert.Equal(new long[] { 3, 1, 8, 8 }, images.shape);
        // By hand: DDIM on latents with the guided denoiser null + 3 (text - null), then the decoder at latents / s.
        using var noGrad = no_grad();
        var denoiser = TextGuidance.Create(model.Denoise, prompts, 3.0, 2);
        Tensor latents;
        using (var generator = new Generator(5)) latents = model.SampleLatents(SamplerKind.Ddim, request with { GuidanceScale = 1.0 }, generator, denoiser);
        Assert.Equal(new long[] { 3, 2, 4, 4 }, latents.shape);
        Assert.True(model.Autoencoder.Decode(latents / 0.5).allclose(images, rtol: 0, atol: 1e-6));
        // Unguided (w = 1) differs: the guidance reached the latent sampler.
        using var unguided = new Generator(5);
        Assert.False(model.SampleText(prompts, SamplerKind.Ddim, request with { GuidanceScale = 1.0 }, unguided).allclose(images, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void A_latent_decoder_draws_the_latents_from_the_moments_and_conditions_on_each_images_own_embedding()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLatentDecoder();
        model.LatentScale = 0.5;
        var embeddings = nn.functional.normalize(randn(new long[] { 3, 3 }, generator: new Generator(2)), p: 2, dim: 1);
        using var trainable = new DecoderTrainable(model, embeddings);
        var moments = randn(new long[] { 4, 4, 4, 4 }, generator: new Generator(3));
        var indices = tensor(new long[] { 2, 0, 1, 2 });

        using var generator = new Generator(13);
        var loss = trainable.TrainingLoss(moments, indices, generator);

        // By hand: the posterior sample first, scaled by s, then the model's loss at each image's own embedding.
        using var replay = new Generator(13);
        using var posterior = DiagonalGaussian.FromMoments(moments);
        var z = posterior.Sample(replay) * 0.5;
        var own = new TextConditioning(embeddings.index_select(0, indices), zeros(4, 0, 2), zeros(4, 0, dtype: ScalarType.Bool));
        Assert.Equal(model.TrainingLoss(z, own, replay).item<float>(), loss.item<float>());
    }
}
