using System.Linq;
using System.Threading;
using Diffusion.Runtime.Training;
using Diffusion.Runtime.Tests.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Consistency;

/// <summary>
/// Consistency training through the Trainer: the level count N(k) depends on the step, so a resumed run reproduces
/// the uninterrupted run's losses only if the step comes from the trainer (ITrainingStepAware), not from a count of
/// calls that restarts with the process.
/// </summary>
public class ConsistencyTrainingResumeTests
{
    private static TrainingOptions Options(string dir) => new()
    {
        Steps = 12,
        BatchSize = 16,
        LearningRate = 1e-3,
        WeightDecay = 0.01,
        EmaDecay = 0.99,
        GradClip = 1.0,
        Seed = 42,
        CheckpointEvery = 100,
        LogEvery = 100,
        OutputDir = dir,
    };

    private static readonly TinyConsistencyModel Initial = new();

    /// <summary>
    /// A model with <see cref="Initial"/>'s weights: copied, not re-drawn, since other test classes draw from torch's
    /// global generator at the same time (the resumed run takes its weights from the checkpoint).
    /// </summary>
    private static TinyConsistencyModel Copy()
    {
        var model = new TinyConsistencyModel();
        model.Network.load_state_dict(Initial.Network.state_dict());
        return model;
    }

    [Fact]
    public void AResumedConsistencyTrainingRunReproducesTheUninterruptedLossesExactly()
    {
        TestTorch.Init();
        using var images = TinyDenoiser.SyntheticImages(48);
        var data = new TrainingData(images);

        var straight = new Trainer(new ConsistencyTrainable(Copy()), data,
            Options(TestTorch.TempDirectory("cm-straight"))).Run();
        var again = new Trainer(new ConsistencyTrainable(Copy()), data,
            Options(TestTorch.TempDirectory("cm-again"))).Run();
        Assert.Equal(straight.Losses, again.Losses);

        string splitDir = TestTorch.TempDirectory("cm-split");
        using var stop = new CancellationTokenSource();
        var first = new Trainer(new ConsistencyTrainable(Copy()), data,
            Options(splitDir) with { OnProgress = p => { if (p.Step == 5) stop.Cancel(); } }).Run(stop.Token);
        Assert.True(first.Cancelled);
        Assert.Equal(5, first.FinalStep);
        var resumed = new Trainer(new ConsistencyTrainable(new TinyConsistencyModel()), data,
            Options(splitDir) with { Resume = true }).Run();

        Assert.Equal(12, straight.Losses.Count);
        Assert.All(straight.Losses, loss => Assert.True(double.IsFinite(loss) && loss > 0));
        Assert.Equal(straight.Losses, resumed.Losses);    // exact equality of doubles
        // N(k) doubles every step here (K = 12, K' = 1): the steps' level counts differ, so a miscounted step would show.
        Assert.Equal(new[] { 11, 21, 41, 81 }, Enumerable.Range(1, 4).Select(k => ImprovedConsistencyTraining.LevelCount(k, 12)));
    }
}
