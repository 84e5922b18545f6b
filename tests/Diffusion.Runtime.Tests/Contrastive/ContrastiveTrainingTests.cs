using System;
using System.Linq;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Contrastive;

/// <summary>
/// The image tower trained against a frozen text encoder by the runtime's Trainer (PatternCaptions: three classes of
/// 8x8 patterns, two captions each, closed-form caption embeddings): what trains, the loss it takes, what it learns,
/// and exact resume.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ContrastiveTrainingTests(ITestOutputHelper output)
{
    private static ContrastiveImageEncoder Tiny() => new(1, PatternCaptions.Size, 4, width: 8, stages: 1);

    private static (CaptionedImageFolder Folder, CaptionEmbeddings Embeddings) Data(TempFolder folder, int perClass, int seed)
    {
        string root = PatternCaptions.Write(folder.Combine("train"), perClass, seed);
        var captioned = CaptionedImageFolder.Open(root, new ImageFolderOptions(PatternCaptions.Size, PatternCaptions.Size, 1), 1 << 20);
        var embeddings = CaptionEmbeddingCache.Load(folder.Combine("cache.safetensors"), captioned.Captions.SelectMany(c => c), new PatternCaptions.TableEncoder());
        return (captioned, embeddings);
    }

    [Fact]
    public void Only_the_image_tower_and_the_temperature_train_and_the_loss_is_CLIPs_at_the_drawn_captions()
    {
        using var folder = new TempFolder();
        var (captioned, embeddings) = Data(folder, perClass: 2, seed: 1);
        using var model = Tiny();
        var trainable = new ContrastiveTrainable(model, captioned.Captions, embeddings);
        var (x, indices) = new CaptionedTrainingSet(captioned).Batch([0, 1, 2, 3, 4, 5]);

        using var generator = new Generator(7);
        using var loss = trainable.TrainingLoss(x, indices, generator);
        loss.backward();

        // Every parameter the trainer would update is the image tower's or the temperature's, and each gets a gradient;
        // the text embeddings are cached numbers, not parameters.
        var parameters = trainable.Network.named_parameters().ToList();
        Assert.All(parameters, p => Assert.True(p.name == "logit_scale" || p.name.StartsWith("visual.", StringComparison.Ordinal), p.name));
        Assert.All(parameters, p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, $"{p.name} has no gradient"));
        Assert.Equal(1 + model.Visual.parameters().Count(), parameters.Count);

        // By hand: caption floor(u k) of each image's k = 2 captions, u the generator's first 6 float64 uniforms; the
        // table encoder's unit embeddings of those captions; the loss at the encoder's current scale 1 / 0.07.
        using var replay = new Generator(7);
        using var u = rand(6, ScalarType.Float64, generator: replay);
        var rows = indices!.data<long>().ToArray();
        var picked = rows.Select((image, b) => captioned.Captions[(int)image][(int)(u[b].item<double>() * 2)]).ToArray();
        using var texts = tensor(picked.SelectMany(caption => Embedding(caption)).ToArray(), [6, 4]);
        using var scale = tensor((float)(1 / 0.07));
        using (no_grad())
        {
            using var images = model.call(x);
            using var expected = ContrastiveLoss.Compute(images, texts, scale);
            Assert.Equal(expected.item<float>(), loss.item<float>(), 1e-5);
        }
    }

    [Fact]
    public void After_a_short_training_held_out_images_score_their_own_captions_above_the_others()
    {
        using var folder = new TempFolder();
        var (captioned, embeddings) = Data(folder, perClass: 8, seed: 1);
        string run = folder.Combine("run");
        var model = SeededInitialization.Create(Tiny, 3);
        var options = new TrainingOptions
        {
            Steps = 80, BatchSize = 12, LearningRate = 3e-3, EmaDecay = 0.9, Seed = 3, CheckpointEvery = 1000, OutputDir = run,
        };
        var result = new Trainer(new ContrastiveTrainable(model, captioned.Captions, embeddings), new CaptionedTrainingSet(captioned), options).Run();
        Assert.Equal(80, result.FinalStep);

        string heldOutRoot = PatternCaptions.Write(folder.Combine("held-out"), perClass: 4, seed: 2, captioned: false);
        var heldOut = StreamingImageFolder.Open(heldOutRoot, new ImageFolderOptions(8, 8, 1, ImageFolderLayout.ClassConditional), 1 << 20);
        var (x, labels) = heldOut.Batch(Enumerable.Range(0, (int)heldOut.Count).Select(i => (long)i).ToArray());
        using var captions = tensor(Enumerable.Range(0, 6).SelectMany(j => PatternCaptions.Embedding(j / 2, j % 2)).ToArray(), [6, 4]);    // (6, 4) unit
        var classOf = labels!.data<long>().ToArray();

        int Wins(ContrastiveImageEncoder encoder)
        {
            using var similarities = encoder.Embed(x).matmul(captions.t());    // (12, 6) u_i . v_j, caption j of class j / 2
            var s = similarities.data<float>().ToArray();
            int wins = 0;
            for (int i = 0; i < classOf.Length; i++)
            {
                var own = Enumerable.Range(0, 6).Where(j => j / 2 == classOf[i]).Select(j => s[i * 6 + j]);
                var others = Enumerable.Range(0, 6).Where(j => j / 2 != classOf[i]).Select(j => s[i * 6 + j]);
                if (own.Min() > others.Max()) wins++;
            }
            return wins;
        }

        using var fresh = SeededInitialization.Create(Tiny, 3);
        using var trained = ContrastiveImageEncoder.Load(run);    // the last checkpoint's EMA weights, with the usual checks
        int before = Wins(fresh), after = Wins(trained);
        output.WriteLine($"losses: first 5 mean {result.Losses.Take(5).Average():F4}, last 5 mean {result.Losses.TakeLast(5).Average():F4}; "
            + $"held-out images whose own captions both beat every other caption: {before}/12 untrained, {after}/12 trained");
        Assert.Equal(12, after);
        Assert.True(before < 12, "the untrained encoder already separates the patterns: the check proves nothing");

        using var classCaptions = tensor(Enumerable.Range(0, 3).SelectMany(c => PatternCaptions.Embedding(c, 0)).ToArray(), [3, 4]);
        var zeroShot = ZeroShotClassification.Evaluate(trained, heldOut, classCaptions, batchSize: 5);
        Assert.Equal(1.0, zeroShot.TopOne);
        Assert.Equal(new long[] { 4, 4, 4 }, zeroShot.Total);
    }

    [Fact]
    public void A_resumed_run_repeats_the_uninterrupted_runs_losses_bit_for_bit()
    {
        using var folder = new TempFolder();
        var (captioned, embeddings) = Data(folder, perClass: 4, seed: 1);
        double[] Train(string run, int steps, bool resume)
        {
            using var model = SeededInitialization.Create(Tiny, 5);
            var options = new TrainingOptions
            {
                Steps = steps, BatchSize = 5, LearningRate = 3e-3, Seed = 5, CheckpointEvery = 3, OutputDir = run, Resume = resume,
            };
            return new Trainer(new ContrastiveTrainable(model, captioned.Captions, embeddings), new CaptionedTrainingSet(captioned), options).Run().Losses.ToArray();
        }

        var straight = Train(folder.Combine("straight"), 6, resume: false);
        Train(folder.Combine("halves"), 3, resume: false);
        var resumed = Train(folder.Combine("halves"), 6, resume: true);

        Assert.Equal(6, straight.Length);
        Assert.Equal(straight, resumed);
    }

    private static float[] Embedding(string caption)
    {
        int c = Array.FindIndex(PatternCaptions.Captions, captions => captions.Contains(caption));
        return PatternCaptions.Embedding(c, Array.IndexOf(PatternCaptions.Captions[c], caption));
    }
}
