using System.Globalization;
using System.Text.RegularExpressions;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The names a checkpoint is made of, in one place so that writing, listing, verifying and loading agree: a run keeps
/// its checkpoints under <c>{run}/checkpoints/step-NNNNNNN/</c>, each a directory of <c>model.safetensors</c> (the
/// network's state dict under its own names, loadable by PyTorch's safetensors), <c>ema.safetensors</c>,
/// <c>optimizer.safetensors</c>, <c>config.json</c> (<see cref="CheckpointConfig"/>), <c>trainer.json</c>
/// (<see cref="TrainerState"/>) and <c>SHA256SUMS</c> (<see cref="CheckpointManifest"/>); a release holds only
/// <c>model.safetensors</c> (the EMA weights), <c>config.json</c> and <c>SHA256SUMS</c>.
/// </summary>
public static class CheckpointLayout
{
    /// <summary>The network weights file.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>The EMA weights file.</summary>
    public const string EmaFile = "ema.safetensors";
    /// <summary>The optimizer state file.</summary>
    public const string OptimizerFile = "optimizer.safetensors";
    /// <summary>The description and options file.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The trainer state file.</summary>
    public const string TrainerFile = "trainer.json";
    /// <summary><see cref="CheckpointConfig.Format"/>.</summary>
    public const string FormatName = "diffusion-dsl-checkpoint";
    /// <summary>
    /// <see cref="CheckpointConfig.Version"/>: 3 since a float16 release may keep fixed tensors exact
    /// (<see cref="CheckpointConfig.ExactTensors"/>), which a runtime that reads up to 2 would refuse as mismatched dtypes.
    /// </summary>
    public const int FormatVersion = 3;
    /// <summary><see cref="CheckpointConfig.Kind"/> of a resumable training checkpoint.</summary>
    public const string TrainingKind = "training";
    /// <summary><see cref="CheckpointConfig.Kind"/> of an exported release.</summary>
    public const string ReleaseKind = "release";

    /// <summary>The files of a training checkpoint besides its manifest.</summary>
    internal static readonly string[] TrainingFiles = [ModelFile, EmaFile, OptimizerFile, ConfigFile, TrainerFile];

    /// <summary>The files of a release besides its manifest (also the part every checkpoint shares).</summary>
    internal static readonly string[] ReleaseFiles = [ModelFile, ConfigFile];

    /// <summary>A checkpoint directory's name: <c>step-</c> and at least seven digits.</summary>
    internal static readonly Regex StepDirectory = new(@"^step-(\d{7,})$", RegexOptions.CultureInvariant);

    /// <summary>The directory name of step <paramref name="step"/>'s checkpoint: <c>step-{step:D7}</c>.</summary>
    public static string DirectoryName(long step) => "step-" + step.ToString("D7", CultureInfo.InvariantCulture);
}
