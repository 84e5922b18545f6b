using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Text.Tests;

public sealed class CaptionEmbeddingCacheTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "diffusion-text-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public CaptionEmbeddingCacheTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly string[] Captions = ["7", "a thick seven", "7", "the digit 3, thin strokes", "a small 3"];

    private string CacheFile => Path.Combine(folder, "caption-embeddings.fake.safetensors");

    [Fact]
    public void The_first_load_encodes_each_distinct_caption_once_and_a_second_load_encodes_nothing()
    {
        var encoder = new FakeTextEncoder();
        var first = CaptionEmbeddingCache.Load(CacheFile, Captions, encoder);
        Assert.Equal(["7", "a thick seven", "the digit 3, thin strokes", "a small 3"], first.Captions);
        Assert.Equal((4, 0), (first.Encoded, first.Reused));
        Assert.Empty(first.Warnings);
        Assert.Equal(4, encoder.EncodedTexts.Count);
        Assert.True(File.Exists(CacheFile));

        var again = new FakeTextEncoder();
        var second = CaptionEmbeddingCache.Load(CacheFile, Captions, again);

        Assert.Empty(again.EncodedTexts);
        Assert.Equal((0, 4), (second.Encoded, second.Reused));
        AssertSameAsEncoder(second, ["a small 3", "7", "the digit 3, thin strokes", "7"]);
    }

    [Fact]
    public void A_changed_caption_is_encoded_alone_and_captions_no_longer_used_leave_the_file()
    {
        CaptionEmbeddingCache.Load(CacheFile, Captions, new FakeTextEncoder());
        long before = new FileInfo(CacheFile).Length;

        var encoder = new FakeTextEncoder();
        string[] edited = ["7", "a thick seven", "a thin seven"];
        var embeddings = CaptionEmbeddingCache.Load(CacheFile, edited, encoder);
        Assert.Equal(["a thin seven"], encoder.EncodedTexts);
        Assert.Equal((1, 2), (embeddings.Encoded, embeddings.Reused));
        AssertSameAsEncoder(embeddings, edited);

        // The rewritten file holds exactly the three captions now in use.
        var reread = new FakeTextEncoder();
        Assert.Equal(3, CaptionEmbeddingCache.Load(CacheFile, edited, reread).Reused);
        Assert.Empty(reread.EncodedTexts);
        Assert.True(new FileInfo(CacheFile).Length < before);
    }

    [Fact]
    public void Another_encoders_cache_is_encoded_again_with_a_warning()
    {
        CaptionEmbeddingCache.Load(CacheFile, Captions, new FakeTextEncoder("weights-a"));

        var other = new FakeTextEncoder("weights-b");
        var embeddings = CaptionEmbeddingCache.Load(CacheFile, Captions, other);

        Assert.Equal(4, other.EncodedTexts.Count);
        Assert.Contains("another encoder (test/fake-encoder sha256:weights-a)", Assert.Single(embeddings.Warnings));
        Assert.Contains(CacheFile, embeddings.Warnings[0]);
    }

    public static IEnumerable<object[]> Damages() =>
    [
        ["random bytes", "not a usable cache", (Action<string>)(path => File.WriteAllBytes(path, Enumerable.Range(0, 500).Select(i => (byte)(i * 37)).ToArray()))],
        ["truncated", "truncated", (Action<string>)(path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..^40]))],
        ["a flipped bit in a token state", "checksum does not match", (Action<string>)(path => FlipByte(path, fromEnd: 100))],
        ["empty", "not a usable cache", (Action<string>)(path => File.WriteAllBytes(path, []))],
        ["another program's safetensors", "holds [weight]", (Action<string>)(path =>
        {
            File.Delete(path);
            Diffusion.Runtime.Checkpoints.SafetensorsFile.Write(path, new Dictionary<string, TorchSharp.torch.Tensor> { ["weight"] = ones(2, 2) });
        })],
        ["a folder", "not a usable cache", (Action<string>)(path =>
        {
            File.Delete(path);
            Directory.CreateDirectory(path);
        })],
    ];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_or_foreign_cache_file_is_rebuilt_with_a_warning_naming_it(string damage, string why, Action<string> apply)
    {
        CaptionEmbeddingCache.Load(CacheFile, Captions, new FakeTextEncoder());
        apply(CacheFile);

        var encoder = new FakeTextEncoder();
        var embeddings = CaptionEmbeddingCache.Load(CacheFile, Captions, encoder);

        Assert.True(embeddings.Warnings.Count >= 1, damage);
        Assert.Contains($"'{CacheFile}'", embeddings.Warnings[0]);
        Assert.Contains(why, embeddings.Warnings[0]);
        Assert.Equal(4, encoder.EncodedTexts.Count);
        AssertSameAsEncoder(embeddings, Captions);
        if (damage != "a folder")
        {
            // Rebuilt: the next load trusts the file again.
            var next = new FakeTextEncoder();
            Assert.Empty(CaptionEmbeddingCache.Load(CacheFile, Captions, next).Warnings);
            Assert.Empty(next.EncodedTexts);
        }
        else
        {
            Assert.Contains("could not be written", embeddings.Warnings[^1]);
        }
    }

    [Fact]
    public void Gather_refuses_a_caption_it_was_not_computed_for()
    {
        var embeddings = CaptionEmbeddingCache.Load(CacheFile, Captions, new FakeTextEncoder());
        var error = Assert.Throws<ArgumentException>(() => embeddings.Gather(["7", "a nine"]));
        Assert.Contains("'a nine'", error.Message);
    }

    [Fact]
    public void The_file_is_named_after_the_model_beside_the_data()
    {
        var identity = new TextEncoderIdentity("sentence-transformers/all-MiniLM-L6-v2", "ab");
        Assert.Equal(Path.Combine("data", "caption-embeddings.all-MiniLM-L6-v2.safetensors"), CaptionEmbeddingCache.PathFor("data", identity));
    }

    /// <summary>Gather equals the encoder's own batch for the same captions, bit for bit (the fake is exact).</summary>
    private static void AssertSameAsEncoder(CaptionEmbeddings embeddings, IReadOnlyList<string> captions)
    {
        using var expected = new FakeTextEncoder().Encode(captions);
        using var actual = embeddings.Gather(captions);
        Assert.Equal(expected.Tokens.shape, actual.Tokens.shape);
        Assert.True(expected.Pooled.equal(actual.Pooled).all().item<bool>());
        Assert.True(expected.Tokens.equal(actual.Tokens).all().item<bool>());
        Assert.True(expected.Mask.equal(actual.Mask).all().item<bool>());
    }

    private static void FlipByte(string path, int fromEnd)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^fromEnd] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }
}
