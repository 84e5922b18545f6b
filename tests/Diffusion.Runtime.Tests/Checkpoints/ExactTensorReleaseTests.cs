using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// A float16 release halves the trained weights but keeps the fixed tensors (the DiT's sine-cosine <c>pos_embed</c>)
/// exact, while a release written before layout version 3, which stores its pos_embed in float16, loads as it is.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ExactTensorReleaseTests
{
    [Fact]
    public void A_new_float16_release_keeps_the_position_table_exact_and_halves_the_rest()
    {
        var (_, release) = TestReleases.Export(new TinyLinearModel(), "exact-pos-embed");

        var header = SafetensorsFile.ReadHeader(Path.Combine(release, CheckpointLayout.ModelFile));
        Assert.Equal("F32", header["pos_embed"].DType);
        Assert.All(header.Where(e => e.Key != "pos_embed"), e => Assert.Equal("F16", e.Value.DType));
        var config = CheckpointJson.ReadConfig(release);
        Assert.Equal(CheckpointLayout.FormatVersion, config.Version);
        Assert.Equal("F16", config.WeightsDType);
        Assert.Equal(new[] { ("pos_embed", "F32") }, config.ExactTensors!.Select(kv => (kv.Key, kv.Value)));

        // Loaded into a model whose pos_embed is first scrambled, the table comes back bit for bit as a fresh network
        // computes it; float16 could not have held it (the check below would fail on a halved copy).
        var table = new TinyLinearModel().Network.state_dict()["pos_embed"];
        Assert.False(table.to(ScalarType.Float16).to(ScalarType.Float32).equal(table).all().item<bool>(), "the table must not be float16-exact for this test to mean anything");
        var model = new TinyLinearModel();
        using (no_grad()) model.Network.state_dict()["pos_embed"].fill_(7);
        CheckpointLoader.LoadForSampling(model, release);
        Assert.True(model.Network.state_dict()["pos_embed"].equal(table).all().item<bool>());
    }

    [Fact]
    public void A_float32_release_lists_no_exact_tensors()
    {
        var (_, release) = TestReleases.Export(new TinyLinearModel(), "exact-f32", float16: false);
        Assert.Null(CheckpointJson.ReadConfig(release).ExactTensors);
        Assert.DoesNotContain("exactTensors", File.ReadAllText(Path.Combine(release, CheckpointLayout.ConfigFile)));
        Assert.All(SafetensorsFile.ReadHeader(Path.Combine(release, CheckpointLayout.ModelFile)).Values, e => Assert.Equal("F32", e.DType));
    }

    /// <summary>
    /// The shipped DiT reference (layout version 2) stores pos_embed in float16 and lists no exact tensors: it verifies and
    /// its header matches what its config says. Cli/WeightsCliTests samples from it.
    /// </summary>
    [Fact]
    public void The_shipped_reference_still_stores_and_declares_a_float16_position_table()
    {
        string reference = Path.Combine(Cli.ExampleCli.RepositoryRoot, "examples", "MnistDit", "reference");
        var config = CheckpointVerification.Verify(reference);
        Assert.Equal(2, config.Version);
        Assert.Equal("F16", config.WeightsDType);
        Assert.Null(config.ExactTensors);
        Assert.Equal("F16", SafetensorsFile.ReadHeader(Path.Combine(reference, CheckpointLayout.ModelFile))["pos_embed"].DType);
    }

    /// <summary>A release whose header disagrees with its exactTensors is refused by name, like any dtype mismatch.</summary>
    [Fact]
    public void A_position_table_stored_otherwise_than_declared_is_refused()
    {
        var (_, release) = TestReleases.Export(new TinyLinearModel(), "exact-mismatch");
        string config = Path.Combine(release, CheckpointLayout.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"pos_embed\": \"F32\"", "\"pos_embed\": \"F16\""));
        TestReleases.Restamp(release);

        string model = Path.Combine(release, CheckpointLayout.ModelFile);
        var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(new TinyLinearModel(), release));
        Assert.Equal(model, error.Path);
        Assert.Contains("mismatched dtypes [pos_embed: file F32, expected F16]", error.Message);
    }
}
