using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Tests.UNet;
using Diffusion.Runtime.Training;
using Examples.Mnist;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// Checkpoints of the U-Net's and encoder's former layout (modules named by level, before guided-diffusion's names):
/// the key map against names of that layout written out by hand and against the shipped releases, and a training
/// checkpoint rewritten in the former layout that resumes and exports to a release with the current names.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class FormerUNetKeysTests
{
    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    [Fact]
    public void The_mnist_unet_maps_onto_the_former_names_and_shapes()
    {
        using var network = new MnistUNet();
        var map = FormerUNetKeys.Of(network);
        // Names of the former generated MnistUNet (fields input_conv, down{l}_res{k}, ..., out_conv), by hand.
        var expected = new Dictionary<string, (string, long[])>
        {
            ["time_embed.2.bias"] = ("time_embed.mlp.2.bias", new long[] { 128 }),
            ["input_blocks.0.0.weight"] = ("input_conv.weight", new long[] { 32, 1, 3, 3 }),
            ["input_blocks.1.0.in_layers.0.weight"] = ("down0_res0.in_norm.weight", new long[] { 32 }),
            ["input_blocks.2.0.op.weight"] = ("down0_sample.conv.weight", new long[] { 32, 32, 3, 3 }),
            ["input_blocks.3.0.skip_connection.weight"] = ("down1_res0.skip.weight", new long[] { 64, 32, 1, 1 }),
            ["input_blocks.5.1.qkv.weight"] = ("down2_attn0.qkv.weight", new long[] { 192, 64 }),
            ["middle_block.1.proj_out.weight"] = ("middle_attn.proj.weight", new long[] { 64, 64 }),
            ["middle_block.2.emb_layers.1.weight"] = ("middle_res1.emb_proj.weight", new long[] { 128, 128 }),
            ["output_blocks.1.1.qkv.bias"] = ("up2_attn1.qkv.bias", new long[] { 192 }),
            ["output_blocks.1.2.conv.weight"] = ("up2_sample.conv.weight", new long[] { 64, 64, 3, 3 }),
            ["output_blocks.3.1.conv.bias"] = ("up1_sample.conv.bias", new long[] { 64 }),
            ["output_blocks.5.0.out_layers.3.bias"] = ("up0_res1.out_conv.bias", new long[] { 32 }),
            ["out.0.weight"] = ("out_norm.weight", new long[] { 32 }),
            ["out.2.weight"] = ("out_conv.weight", new long[] { 1, 32, 3, 3 }),
            ["label_emb.weight"] = ("label_emb.weight", new long[] { 11, 128 }),
        };
        foreach (var (current, (name, shape)) in expected)
        {
            Assert.Equal(name, map[current].Name);
            Assert.Equal(shape, map[current].Shape);
        }
        Assert.Equal(network.named_parameters().Count(), map.Count);
        Assert.Equal(map.Count, map.Values.Select(v => v.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("reference-unet")]
    [InlineData("noisy-classifier")]
    public void The_shipped_releases_hold_exactly_the_former_names_and_shapes(string folder)
    {
        using nn.Module network = folder == "reference-unet" ? new MnistUNet() : new MnistNoisyEncoder();
        var header = SafetensorsFile.ReadHeader(Path.Combine(Example(folder), CheckpointLayout.ModelFile));
        var former = FormerUNetKeys.Of(network).Values.ToDictionary(v => v.Name, v => v.Shape);
        Assert.Equal(header.Keys.OrderBy(k => k, StringComparer.Ordinal), former.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (name, entry) in header) Assert.Equal(former[name], entry.Shape);
        if (folder == "noisy-classifier") Assert.Equal(new long[] { 10, 32 }, header["head.weight"].Shape);
    }

    [Fact]
    public void Networks_of_other_blocks_have_no_former_names()
    {
        using var dit = new MnistDit();
        Assert.Empty(FormerUNetKeys.Of(dit));
    }

    [Fact]
    public void A_former_layout_training_checkpoint_resumes_and_exports_a_release_with_the_current_names()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var model = new ThreeLevelDiffusion();
        using var ema = new ExponentialMovingAverage(model.Network, 0.9);
        using var optimizer = new Diffusion.Runtime.Training.AdamW(model.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2);
        // Distinct network, EMA and optimizer state without a backward pass (no convolution kernels involved).
        using (no_grad())
        {
            foreach (var (_, parameter) in model.Network.named_parameters()) parameter.add_(randn_like(parameter) * 0.1);
            ema.Update(model.Network);
            foreach (var (_, parameter) in model.Network.named_parameters()) parameter.add_(randn_like(parameter) * 0.1);
            foreach (var (key, state) in optimizer.StateDict().Where(kv => kv.Value.is_floating_point())) state.copy_(rand_like(state));
            optimizer.StateDict()[Diffusion.Runtime.Training.AdamW.StepKey].fill_(1);    // as after one step
        }
        var store = new RunFolder(TestTorch.TempDirectory("former-unet"));
        string checkpoint = store.Save(model, ema, optimizer, new TrainerState(1, 9, [0.5], [], 0.5, ema.UpdateCount));

        // Rewrite the three weights files as the former generated network named them, and their checksums.
        var map = FormerUNetKeys.Of(model.Network);
        foreach (var file in new[] { CheckpointLayout.ModelFile, CheckpointLayout.EmaFile, CheckpointLayout.OptimizerFile })
        {
            string path = Path.Combine(checkpoint, file);
            var current = SafetensorsFile.Read(path);
            var former = FormerUNetKeys.Rename(current, map).ToDictionary(kv => kv.Key, kv => kv.Value.contiguous());
            File.Delete(path);
            SafetensorsFile.Write(path, former);
            CheckpointManifest.Stamp(checkpoint, file);
        }
        var written = SafetensorsFile.ReadHeader(Path.Combine(checkpoint, CheckpointLayout.OptimizerFile));
        Assert.Contains("down1_res0.skip.weight.exp_avg", written.Keys);
        Assert.Equal(new long[] { 48, 16 }, written["middle_attn.qkv.weight.exp_avg_sq"].Shape);

        random.manual_seed(10);
        var resumed = new ThreeLevelDiffusion();
        using var resumedEma = new ExponentialMovingAverage(resumed.Network, 0.9);
        using var resumedOptimizer = new Diffusion.Runtime.Training.AdamW(resumed.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2);
        TrainingCheckpoint.Load(checkpoint, resumed, resumedEma, resumedOptimizer);
        AssertSame(model.Network.state_dict(), resumed.Network.state_dict());
        AssertSame(ema.StateDict(), resumedEma.StateDict());
        AssertSame(optimizer.StateDict(), resumedOptimizer.StateDict());

        string release = ReleaseExport.Export(checkpoint, TestTorch.TempDirectory("former-unet-release"), resumed, float16: false);
        var released = SafetensorsFile.ReadHeader(Path.Combine(release, CheckpointLayout.ModelFile));
        Assert.Equal(resumed.Network.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), released.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var sampled = new ThreeLevelDiffusion();
        CheckpointLoader.LoadForSampling(sampled, release);
        AssertSame(ema.StateDict(), sampled.Network.state_dict());
    }

    private static void AssertSame(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected) Assert.True(tensor.equal(actual[name]).all().item<bool>(), name);
    }
}
