using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// Puts a checkpoint's tensors back: all of them into state dicts for resuming training, or one weights file into a
/// network for sampling. Every load verifies first (<see cref="CheckpointVerification"/>), refuses a checkpoint written
/// for another model (<see cref="DescriptionDiff"/>), and reads every file strictly (<see cref="SafetensorsFile"/>)
/// before it changes any weight.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Restores a training checkpoint into a model's network, the EMA state and the optimizer state (live state dicts,
    /// copied into in place), and returns the trainer state. Every file is checked (present, intact, same keys and
    /// shapes, same model description) before any tensor is changed. The caller restores what lives outside the tensors
    /// (the optimizer's step count, the EMA's update count) from the returned state.
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing, truncated or corrupted, or was written for another model; the
    /// message names the file and the mismatched description fields or keys.</exception>
    public static TrainerState LoadTraining(string checkpointDirectory, ITrainableModel model, IReadOnlyDictionary<string, Tensor> ema, IReadOnlyDictionary<string, Tensor> optimizer)
    {
        var config = CheckpointVerification.Verify(checkpointDirectory);
        DescriptionDiff.Verify(config.Description, model.Description, Path.Combine(checkpointDirectory, CheckpointLayout.ConfigFile));
        if (config.Kind != CheckpointLayout.TrainingKind)
            throw new CheckpointException(checkpointDirectory, $"'{checkpointDirectory}' is a {config.Kind} checkpoint (weights only); training resumes only from a {CheckpointLayout.TrainingKind} checkpoint.");
        var state = CheckpointJson.ReadTrainerState(checkpointDirectory);

        using var views = NewDisposeScope();
        string InCheckpoint(string name) => Path.Combine(checkpointDirectory, name);
        var targets = new (string File, IReadOnlyDictionary<string, Tensor> Tensors, string What)[]
        {
            (InCheckpoint(CheckpointLayout.ModelFile), FormerUNetKeys.AsStored(InCheckpoint(CheckpointLayout.ModelFile), model.Network.state_dict(), model.Network), "network weights"),
            (InCheckpoint(CheckpointLayout.EmaFile), FormerUNetKeys.AsStored(InCheckpoint(CheckpointLayout.EmaFile), ema, model.Network), "EMA weights"),
            (InCheckpoint(CheckpointLayout.OptimizerFile), FormerUNetKeys.AsStored(InCheckpoint(CheckpointLayout.OptimizerFile), optimizer, model.Network), "optimizer state"),
        };
        foreach (var (file, tensors, what) in targets) SafetensorsFile.Check(file, tensors, what, config.WeightsDType);
        // Every file is read and checked before the first weight changes, so a bad file leaves the model as it was.
        var loaded = new List<Dictionary<string, Tensor>>();
        try
        {
            foreach (var (file, tensors, what) in targets) loaded.Add(SafetensorsFile.Read(file, tensors, what, config.WeightsDType));
            for (int i = 0; i < targets.Length; i++) SafetensorsFile.CopyInto(loaded[i], targets[i].Tensors);
        }
        finally
        {
            foreach (var tensor in loaded.SelectMany(d => d.Values)) tensor.Dispose();
        }
        return state;
    }

    /// <summary>
    /// Puts a checkpoint's weights into <paramref name="model"/>'s network for sampling (and sets it to eval mode): the
    /// EMA weights when <paramref name="useEma"/>, else the raw network weights. A release directory holds only the EMA
    /// weights (possibly float16, converted to the network's dtype; its <see cref="CheckpointConfig.ExactTensors"/> at
    /// their own dtype), so <paramref name="useEma"/> = false is refused there. <paramref name="checkpointDirectory"/> may
    /// also be a run directory (its latest checkpoint is used). The weights' floating-point dtype must be the config's
    /// <see cref="CheckpointConfig.WeightsDType"/>.
    /// </summary>
    /// <param name="model">The model whose network receives the weights.</param>
    /// <param name="checkpointDirectory">A checkpoint, release or run directory.</param>
    /// <param name="useEma">The EMA weights (default) or the raw network weights of a training checkpoint.</param>
    /// <param name="verify">False skips the checksums (the CLI's --no-verify, which warns); the files are still read
    /// strictly.</param>
    /// <exception cref="CheckpointException">As <see cref="LoadTraining"/>.</exception>
    public static void LoadForSampling(ITrainableModel model, string checkpointDirectory, bool useEma = true, bool verify = true)
    {
        string directory = RunFolder.Resolve(checkpointDirectory, verify: verify);
        var config = CheckpointVerification.Verify(directory, verify);
        DescriptionDiff.Verify(config.Description, model.Description, Path.Combine(directory, CheckpointLayout.ConfigFile));
        string file;
        if (config.Kind == CheckpointLayout.ReleaseKind)
        {
            if (!useEma) throw new CheckpointException(directory, $"'{directory}' is a release (EMA weights only); load it with useEma = true.");
            file = CheckpointLayout.ModelFile;
        }
        else file = useEma ? CheckpointLayout.EmaFile : CheckpointLayout.ModelFile;
        using var views = NewDisposeScope();
        string path = Path.Combine(directory, file);
        SafetensorsFile.LoadInto(path, FormerUNetKeys.AsStored(path, model.Network.state_dict(), model.Network), useEma ? "EMA weights" : "network weights", config.WeightsDType, config.ExactTensors);
        model.Network.eval();
    }
}
