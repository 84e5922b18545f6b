using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>The generated DiT, loss and samplers, end to end through the runtime's trainer.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class GeneratedModelTrainingTests
{
    /// <summary>Two classes of 1x4x4 images: class 0 dark on the left, class 1 dark on the right, plus a little noise.</summary>
    private static (Tensor Images, Tensor Labels) TwoClassImages(int count)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var labels = arange(count, dtype: ScalarType.Int64) % 2;
        var left = tensor(new float[] { -1, -1, 1, 1 }).reshape(1, 1, 1, 4).expand(count, 1, 4, 4);
        var pattern = where(labels.reshape(count, 1, 1, 1) == 0, left, left.flip(3));
        var images = (pattern * 0.8f + randn(count, 1, 4, 4, generator: generator) * 0.1f).clamp(-1, 1);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    [Fact]
    public void Generated_DiT_trains_with_label_dropout_and_its_loss_falls()
    {
        TestTorch.Init();
        var model = new TinyGuidedModel();
        var (images, labels) = TwoClassImages(256);
        var options = new TrainingOptions
        {
            Steps = 120, BatchSize = 32, LearningRate = 3e-3, EmaDecay = 0.99, Seed = 1, CheckpointEvery = 1000,
            OutputDir = TestTorch.TempDirectory("generated-dit"),
        };
        var result = new Trainer(model, new TrainingData(images, labels), options).Run();
        double first = result.Losses.Take(10).Average(), last = result.Losses.TakeLast(10).Average();
        Assert.True(last < 0.7 * first, $"loss did not fall: first 10 mean {first:F4}, last 10 mean {last:F4}");
    }

    /// <summary>TorchSharp frees native memory only on disposal: the generated sampler must leave no tensor behind per step.</summary>
    [Fact]
    public void Generated_samplers_leave_the_live_tensor_count_flat()
    {
        TestTorch.Init();
        var model = new TinyGuidedModel();
        using var labels = ones(8, dtype: ScalarType.Int64);
        long Run(SamplerKind kind, int steps)
        {
            using var generator = new Generator(3);
            model.Sample(kind, new SampleRequest(8, labels, steps, Eta: 1.0, GuidanceScale: 3.0), generator).Dispose();
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        foreach (var kind in new[] { SamplerKind.Ddpm, SamplerKind.Ddim })
        {
            long afterShort = Run(kind, 5);
            long afterLong = Run(kind, 200);
            Assert.Equal(afterShort, afterLong);
        }
    }
}
