using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The trainer's side of a checkpoint: which objects fill a <see cref="RunFolder"/>'s state dicts and records (the
/// network, the <see cref="ExponentialMovingAverage"/>, the <see cref="AdamW"/> state, the <see cref="TrainingOptions"/>
/// as JSON), and what a resumed run restores besides the tensors (the optimizer's step count, the EMA's update count).
/// </summary>
/// <remarks>
/// It lives here, not in <c>Checkpoints</c>, so that the dependency runs one way: training uses checkpoints, and the
/// checkpoint layer knows state dicts and its own records (<see cref="TrainerState"/>, <see cref="CheckpointConfig"/>)
/// only. A new trainer or optimizer then needs no change to how checkpoints are written, verified or released.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>
    /// Writes the checkpoint of <paramref name="state"/>.Step into <paramref name="folder"/> atomically and returns its
    /// directory (<see cref="RunFolder.Save"/>); <paramref name="options"/> go into config.json.
    /// </summary>
    /// <exception cref="CheckpointException">The network or EMA weights contain NaN or infinity (nothing is written).</exception>
    public static string Save(this RunFolder folder, ITrainableModel model, ExponentialMovingAverage ema, AdamW optimizer, TrainerState state, TrainingOptions? options = null) =>
        folder.Save(model, ema.StateDict(), optimizer.StateDict(), state, options is null ? null : JsonSerializer.SerializeToNode(options, CheckpointJson.Options)!.AsObject());

    /// <summary>
    /// Restores a training checkpoint into a model, its EMA and its optimizer (<see cref="CheckpointLoader.LoadTraining"/>:
    /// every file checked before any weight changes), then the counters that live outside the tensors, and returns the
    /// trainer state.
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing, truncated or corrupted, or was written for another model
    /// (the message names the file and the mismatched description fields or keys), or the optimizer's step count
    /// disagrees with trainer.json.</exception>
    public static TrainerState Load(string checkpointDirectory, ITrainableModel model, ExponentialMovingAverage ema, AdamW optimizer)
    {
        var state = CheckpointLoader.LoadTraining(checkpointDirectory, model, ema.StateDict(), optimizer.StateDict());
        optimizer.SyncStepFromTensor();
        ema.UpdateCount = state.EmaUpdates;
        if (optimizer.StepCount != state.Step - state.SkippedSteps.Count)
            throw new CheckpointException(checkpointDirectory, $"'{checkpointDirectory}' is inconsistent: the optimizer took {optimizer.StepCount} steps but {CheckpointLayout.TrainerFile} says step {state.Step} with {state.SkippedSteps.Count} skipped.");
        return state;
    }

    /// <summary>The options a checkpoint's config.json records, or null when it records none.</summary>
    /// <exception cref="JsonException">They are not <see cref="TrainingOptions"/>.</exception>
    public static TrainingOptions? OptionsOf(CheckpointConfig config) => config.Training?.Deserialize<TrainingOptions>(CheckpointJson.Options);
}
