using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>
/// Sampling a latent model denoises latents with the declared sampler and decodes once at the end (Rombach et al.
/// 2022): the decoder's forward calls are counted by a hook.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class LatentSamplingTests
{
    [Theory]
    [InlineData(SamplerKind.Ddpm, 1.0)]
    [InlineData(SamplerKind.Ddim, 1.0)]
    [InlineData(SamplerKind.Ddpm, 3.0)]
    [InlineData(SamplerKind.Ddim, 3.0)]
    public void Every_sampler_denoises_latents_and_decodes_exactly_once(SamplerKind sampler, double guidance)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLatentDiffusion();
        model.LatentScale = 0.5;
        int decodes = 0, steps = 0;
        var hook = model.Autoencoder.Decoder.register_forward_hook((_, _, output) => { decodes++; return output; });
        var request = new SampleRequest(6, tensor(new long[] { 0, 0, 1, 1, 2, 2 }), Steps: 5, Eta: 1.0, GuidanceScale: guidance)
        {
            Thresholding = Thresholding.None,
        };

        Tensor images;
        using (var generator = new Generator(11)) images = model.Sample(sampler, request, generator, onStep: (_, x) =>
        {
            steps++;
            Assert.Equal(new long[] { 6, 2, 4, 4 }, x.shape);    // the sampler's state is a latent
        });

        Assert.Equal(1, decodes);
        Assert.Equal(5, steps);
        Assert.Equal(new long[] { 6, 1, 8, 8 }, images.shape);
        // The images are the decoder's at the sampled latents divided by s: the same draws, decoded by hand.
        Tensor latents;
        using (var generator = new Generator(11)) latents = model.SampleLatents(sampler, request, generator);
        using var noGrad = no_grad();
        Assert.True(model.Autoencoder.Decode(latents / 0.5).eq(images).all().item<bool>());
        hook.remove();
    }
}
