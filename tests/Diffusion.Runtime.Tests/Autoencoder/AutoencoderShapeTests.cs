using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Autoencoder;

/// <summary>
/// The generated autoencoder's shapes and parameter counts, computed by hand layer by layer (LDM's Encoder and Decoder,
/// CompVis/latent-diffusion ldm/modules/diffusionmodules/model.py), against the module and the generated constants.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class AutoencoderShapeTests
{
    // Hand counts: a k x k convolution a -> b has b a k^2 weights and b biases; a GroupNorm of c channels 2c.
    private static long Conv(long a, long b, long k) => b * a * k * k + b;

    private static long Norm(long c) => 2 * c;

    /// <summary>norm1, conv1 (3x3), norm2, conv2 (3x3) and the 1x1 shortcut when a != b.</summary>
    private static long Resnet(long a, long b) => Norm(a) + Conv(a, b, 3) + Norm(b) + Conv(b, b, 3) + (a == b ? 0 : Conv(a, b, 1));

    /// <summary>GroupNorm, 1x1 qkv to 3c, 1x1 output projection.</summary>
    private static long Attention(long c) => Norm(c) + Conv(c, 3 * c, 1) + Conv(c, c, 1);

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void The_tiny_autoencoder_has_the_parameters_counted_by_hand()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        // Encoder, channels 8 (8x8) and 16 (4x4), one block per level, latent 2 channels.
        long encoder = Conv(1, 8, 3)                                    // conv_in 1 -> 8
            + Resnet(8, 8) + Conv(8, 8, 3)                              // down[0]: ResnetBlock(8), stride-2 conv
            + Resnet(8, 16)                                             // down[1]: ResnetBlock(8 -> 16)
            + Resnet(16, 16) + Attention(16) + Resnet(16, 16)           // mid
            + Norm(16) + Conv(16, 2 * 2, 3);                            // norm_out, conv_out to mean and log-variance
        // Decoder, two blocks per level, from the lowest level up.
        long decoder = Conv(2, 16, 3)                                   // conv_in 2 -> 16
            + Resnet(16, 16) + Attention(16) + Resnet(16, 16)           // mid
            + Resnet(16, 16) + Resnet(16, 16) + Conv(16, 16, 3)         // up[1]: two ResnetBlocks, upsampling conv
            + Resnet(16, 8) + Resnet(8, 8)                              // up[0]: ResnetBlock(16 -> 8), ResnetBlock(8)
            + Norm(8) + Conv(8, 1, 3);                                  // norm_out, conv_out to the image
        Assert.Equal(16684, encoder);    // the sums above, written out, so that a change of the helpers shows
        Assert.Equal(25777, decoder);
        Assert.Equal(encoder, Count(model.Encoder));
        Assert.Equal(decoder, Count(model.Decoder));
        Assert.Equal(TinyAutoencoder.EncoderNetwork.ParameterCount, encoder);
        Assert.Equal(TinyAutoencoder.DecoderNetwork.ParameterCount, decoder);
        Assert.Equal(TinyAutoencoder.ParameterCount, encoder + decoder);
        Assert.Equal(encoder + decoder, Count(model));
    }

    [Fact]
    public void Encode_decode_and_forward_have_the_declared_shapes()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        using var scope = NewDisposeScope();
        var x = rand(3, 1, 8, 8) * 2 - 1;
        using var posterior = model.Encode(x);
        Assert.Equal(new long[] { 3, 2, 4, 4 }, posterior.Mean.shape);
        Assert.Equal(new long[] { 3, 2, 4, 4 }, posterior.LogVariance.shape);
        Assert.Equal(new long[] { 3, 1, 8, 8 }, model.Decode(randn(3, 2, 4, 4)).shape);
        Assert.Equal(new long[] { 3, 1, 8, 8 }, model.call(x).shape);
        IAutoencoder contract = model;
        Assert.Equal((2, 2, 4), (contract.DownsamplingFactor, contract.LatentChannels, contract.LatentSize));
        Assert.Equal(0.5, contract.KlWeight);
        Assert.Same(model, contract.Network);
    }

    [Fact]
    public void The_forward_pass_decodes_the_posterior_mean()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        using var scope = NewDisposeScope();
        var x = rand(2, 1, 8, 8) * 2 - 1;
        using var posterior = model.Encode(x);
        Assert.True(model.Decode(posterior.Mode()).equal(model.call(x)).all().item<bool>());
    }

    [Fact]
    public void With_f_1_the_latent_keeps_the_image_size()
    {
        TestTorch.Init();
        using var model = new IdentityScaleAutoencoder();
        using var scope = NewDisposeScope();
        using var posterior = model.Encode(rand(2, 3, 4, 4));
        Assert.Equal(new long[] { 2, 1, 4, 4 }, posterior.Mean.shape);
        // One level: conv_in 3 -> 4, two ResnetBlocks, mid, out; the decoder three ResnetBlocks and no upsampling.
        long encoder = Conv(3, 4, 3) + 2 * Resnet(4, 4) + 2 * Resnet(4, 4) + Attention(4) + Norm(4) + Conv(4, 2, 3);
        long decoder = Conv(1, 4, 3) + 2 * Resnet(4, 4) + Attention(4) + 3 * Resnet(4, 4) + Norm(4) + Conv(4, 3, 3);
        Assert.Equal(encoder, Count(model.Encoder));
        Assert.Equal(decoder, Count(model.Decoder));
    }

    [Fact]
    public void The_state_dict_keys_are_ldms_top_level_names()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("encoder.conv_in.weight", keys);
        Assert.Contains("encoder.down.0.0.norm1.weight", keys);
        Assert.Contains("encoder.down.1.0.nin_shortcut.weight", keys);
        Assert.Contains("encoder.mid.1.qkv.weight", keys);
        Assert.Contains("decoder.up.1.2.conv.weight", keys);    // level 1's upsampling conv
        Assert.Contains("decoder.conv_out.bias", keys);
        Assert.DoesNotContain(keys, k => k.Contains("k__BackingField"));
    }
}
