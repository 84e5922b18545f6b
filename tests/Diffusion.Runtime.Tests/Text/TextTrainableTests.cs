using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Text;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Text;

/// <summary>
/// Captioned training: TextTrainable draws each image's caption from the step's generator and hands the model the
/// cached embeddings of those captions, cut to the network's token limit; the captioned set carries image indices.
/// </summary>
public class TextTrainableTests
{
    /// <summary>
    /// An encoder of TinyText's widths (pooled 3, tokens 2) with closed-form outputs: one token per character,
    /// token j of a text = (code, j); pooled = (length, code of the first character, 1).
    /// </summary>
    internal sealed class CharacterEncoder : ITextEncoder
    {
        public TextEncoderIdentity Identity { get; } = new("test/characters", "v1");

        public int PooledDimension => 3;

        public int TokenDimension => 2;

        public int MaxTokens => 16;

        public TextEncoding Encode(IReadOnlyList<string> texts)
        {
            int n = texts.Count, length = texts.Max(t => t.Length);
            var pooled = new float[n * 3];
            var tokens = new float[n * length * 2];
            var mask = new bool[n * length];
            for (int i = 0; i < n; i++)
            {
                pooled[i * 3] = texts[i].Length;
                pooled[i * 3 + 1] = texts[i][0];
                pooled[i * 3 + 2] = 1;
                for (int j = 0; j < texts[i].Length; j++)
                {
                    mask[i * length + j] = true;
                    tokens[(i * length + j) * 2] = texts[i][j];
                    tokens[(i * length + j) * 2 + 1] = j;
                }
            }
            return new TextEncoding(tensor(pooled, [n, 3]), tensor(tokens, [n, length, 2]), tensor(mask, [n, length]));
        }
    }

    /// <summary>TinyTextDit's declared MaxTokens.</summary>
    private const int TinyTextMaxTokens = 4;

    // Image 0 has two captions, image 1 one of 6 tokens (over TinyText's 4), image 2 one.
    private static readonly string[][] Captions = [["ab", "abc"], ["abcdef"], ["x"]];

    private static CaptionEmbeddings Embeddings(TempFolder folder) =>
        CaptionEmbeddingCache.Load(folder.Combine("cache.safetensors"), Captions.SelectMany(c => c), new CharacterEncoder());

    [Fact]
    public void The_loss_is_the_models_loss_at_captions_drawn_from_the_steps_generator()
    {
        using var folder = new TempFolder();
        var embeddings = Embeddings(folder);
        var model = new TinyText();
        var trainable = new TextTrainable(model, Captions, embeddings);
        using var x0 = randn(new long[] { 8, 1, 4, 4 }, generator: new Generator(5));
        using var indices = tensor(new long[] { 0, 1, 2, 0, 0, 0, 0, 0 });

        using var generator = new Generator(11);
        using var loss = trainable.TrainingLoss(x0, indices, generator);

        // By hand: caption floor(u k) of each image's k, u the generator's first 8 float64 uniforms, then the model's
        // own draws from the same generator.
        using var replay = new Generator(11);
        using var u = rand(8, ScalarType.Float64, generator: replay);
        var picked = indices.data<long>().ToArray().Select((image, b) => Captions[image][(int)(u[b].item<double>() * Captions[image].Length)]).ToArray();
        Assert.Contains("ab", picked);
        Assert.Contains("abc", picked);    // seed 11 draws both of image 0's captions, so the check sees the choice
        using var encoding = embeddings.Gather(picked);
        var text = encoding.ToConditioning(TinyTextMaxTokens);
        using var expected = model.TrainingLoss(x0, text, replay);
        Assert.Equal(expected.item<float>(), loss.item<float>());
    }

    [Fact]
    public void ToConditioning_keeps_the_first_tokens_of_a_longer_text_and_its_whole_pooled_vector()
    {
        using var encoding = new CharacterEncoder().Encode(["abcdef", "xy"]);
        var text = encoding.ToConditioning(4);
        Assert.Equal(new long[] { 2, 4, 2 }, text.Tokens.shape);
        Assert.Equal(new[] { 'a', 'b', 'c', 'd' }.Select(c => (float)c), text.Tokens[0, .., 0].data<float>().ToArray());
        Assert.Equal(new[] { true, true, false, false }, text.Mask[1].data<bool>().ToArray());
        Assert.Equal(6f, text.Pooled[0, 0].item<float>());    // the length of the whole text, not of its first 4 tokens
        var whole = encoding.ToConditioning(16);
        Assert.Equal(6, whole.Tokens.shape[1]);
    }

    [Fact]
    public void A_captioned_set_carries_the_image_indices_and_refuses_classes()
    {
        using var folder = new TempFolder();
        for (int i = 0; i < 3; i++) TempFolder.WriteGray(folder.Combine("images", $"{i}.png"), 4, 4, (x, y) => (byte)(40 * i + x));
        System.IO.File.WriteAllLines(folder.Combine("images", CaptionFile.DefaultName), ["0.png\tzero", "1.png\tone", "2.png\ttwo"]);
        var captioned = CaptionedImageFolder.Open(folder.Combine("images"), new ImageFolderOptions(4, 4, 1), 1 << 20);
        var set = new CaptionedTrainingSet(captioned);
        set.Validate(1, 4, null);
        Assert.Throws<ArgumentException>(() => set.Validate(1, 4, 3));
        Assert.Throws<ArgumentException>(() => set.Validate(1, 8, null));
        var (images, labels) = set.Batch([2, 0]);
        Assert.Equal(new long[] { 2, 0 }, labels!.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 1, 4, 4 }, images.shape);
        Assert.Equal("two", captioned.Captions[2][0]);
    }
}
