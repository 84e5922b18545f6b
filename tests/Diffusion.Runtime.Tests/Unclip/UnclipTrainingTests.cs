using System;
using Diffusion.Runtime.Tests.Prior;
using Diffusion.Runtime.Tests.Text;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;
using Diffusion.Runtime.Unclip;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Unclip;

/// <summary>
/// unCLIP's training data (Ramesh et al. 2022, Sec. 2): the prior's examples are the images' embeddings, (D, 1, 1) with
/// the image index for the caption draw; the decoder's loss is the model's at each image's own embedding, pooled only.
/// </summary>
public class UnclipTrainingTests
{
    // Four images' embeddings in a 3-d space, unit rows.
    private static Tensor Embeddings() => nn.functional.normalize(tensor(new float[] { 1, 0, 0, 0, 2, 0, 1, 1, 1, -1, 0, 3 }, [4, 3]), p: 2, dim: 1);

    [Fact]
    public void The_generated_models_say_whether_they_read_tokens_and_which_is_a_prior()
    {
        var text = new TinyText();
        var decoder = new TinyDecoder();
        var prior = new ToyPriorModel();
        Assert.True(((ITextDiffusionModel)text).ReadsTokens);
        Assert.False(((ITextDiffusionModel)decoder).ReadsTokens);
        Assert.False(((ITextDiffusionModel)prior).ReadsTokens);    // TextTokens = false
        Assert.IsNotAssignableFrom<IDiffusionPrior>(decoder);
        Assert.Equal(2, Assert.IsAssignableFrom<IDiffusionPrior>(prior).EmbeddingDim);
    }

    [Fact]
    public void The_decoder_loss_is_the_models_loss_at_each_images_own_embedding()
    {
        using var scope = NewDisposeScope();
        var decoder = new TinyDecoder();
        // adaLN-Zero starts every output at zero whatever the conditioning: random weights make the network read it.
        using (no_grad())
        {
            using var init = new Generator(3);
            foreach (var parameter in decoder.Network.parameters()) parameter.normal_(0, 0.2, init);
        }
        var embeddings = Embeddings();
        using var trainable = new DecoderTrainable(decoder, embeddings);
        var x0 = rand(3, 1, 4, 4) * 2 - 1;
        var indices = tensor(new long[] { 2, 0, 2 });

        using var first = new Generator(7);
        var loss = trainable.TrainingLoss(x0, indices, first);
        using var second = new Generator(7);
        var byHand = new TextConditioning(embeddings.index_select(0, indices), zeros(3, 0, 2), zeros(3, 0, dtype: ScalarType.Bool));
        var expected = decoder.TrainingLoss(x0, byHand, second);
        Assert.Equal(expected.item<float>(), loss.item<float>());
        Assert.True(loss.item<float>() > 0);

        // Another image's embedding changes the loss (the network reads it): the test would catch a decoder ignoring it.
        using var third = new Generator(7);
        var other = decoder.TrainingLoss(x0, byHand with { Pooled = embeddings.index_select(0, tensor(new long[] { 1, 1, 1 })) }, third);
        Assert.NotEqual(expected.item<float>(), other.item<float>());
    }

    [Fact]
    public void A_decoder_refuses_a_prior_other_widths_and_a_batch_without_indices()
    {
        var prior = new ToyPriorModel();
        var decoder = new TinyDecoder();
        using var embeddings = Embeddings();
        Assert.Contains("is a prior", Assert.Throws<ArgumentException>(() => new DecoderTrainable(prior, zeros(4, 2))).Message);
        Assert.Contains("takes embeddings of width 3", Assert.Throws<ArgumentException>(() => new DecoderTrainable(decoder, zeros(4, 2))).Message);
        using var trainable = new DecoderTrainable(decoder, embeddings);
        using var generator = new Generator(1);
        Assert.Contains("indices", Assert.Throws<ArgumentException>(() => trainable.TrainingLoss(zeros(1, 1, 4, 4), null, generator)).Message);
    }

    [Fact]
    public void The_prior_set_serves_embeddings_as_one_pixel_images_with_their_indices()
    {
        using var embeddings = Embeddings();
        using var set = new PriorTrainingSet(embeddings);
        Assert.Equal(4, set.Count);
        set.Validate(3, 1, null);
        Assert.Contains("3 wide", Assert.Throws<ArgumentException>(() => set.Validate(2, 1, null)).Message);
        var (images, labels) = set.Batch([3, 1]);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, images.shape);
        Assert.True(images.flatten(1).eq(embeddings.index_select(0, tensor(new long[] { 3, 1 }))).all().item<bool>());
        Assert.Equal(new long[] { 3, 1 }, labels!.data<long>().ToArray());
    }

    [Fact]
    public void The_indexed_set_replaces_labels_by_indices()
    {
        var data = new TrainingData(rand(5, 1, 4, 4), tensor(new long[] { 9, 8, 7, 6, 5 }));
        var set = new IndexedTrainingSet(data);
        var (images, labels) = set.Batch([4, 0]);
        Assert.True(images.eq(data.Images.index_select(0, tensor(new long[] { 4, 0 }))).all().item<bool>());
        Assert.Equal(new long[] { 4, 0 }, labels!.data<long>().ToArray());
        Assert.Throws<ArgumentException>(() => set.Validate(1, 4, 10));
    }

    [Fact]
    public void Prior_samples_become_unit_embeddings_without_tokens()
    {
        var samples = tensor(new float[] { 3, 4, 0, -2 }, [2, 2, 1, 1]);
        var unit = EmbeddingConditioning.FromPriorSamples(samples);
        Assert.Equal(new[] { 0.6f, 0.8f, 0f, -1f }, unit.flatten().data<float>().ToArray());
        var conditioning = EmbeddingConditioning.From(unit, tokenDim: 2);
        Assert.Equal(new long[] { 2, 0, 2 }, conditioning.Tokens.shape);
        Assert.Equal(new long[] { 2, 0 }, conditioning.Mask.shape);
        Assert.Throws<ArgumentException>(() => EmbeddingConditioning.FromPriorSamples(zeros(2, 2)));
    }
}
