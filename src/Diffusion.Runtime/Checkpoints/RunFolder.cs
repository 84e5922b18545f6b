using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The checkpoints of one training run, under <c>{output}/checkpoints/step-NNNNNNN/</c> (<see cref="CheckpointLayout"/>):
/// writing one, listing them, finding the newest that verifies, pruning old ones, and resolving what a user passed as
/// a checkpoint.
/// </summary>
/// <remarks>
/// A checkpoint is written into a <c>.tmp-*</c> directory beside the final one, every file flushed to disk, the
/// checksum manifest last, then moved into place with one rename (<see cref="AtomicDirectory"/>), so a crash leaves
/// either the whole checkpoint or none; <see cref="Latest"/> considers only complete <c>step-*</c> directories whose
/// checksums verify, falling back to the previous one (and saying so) when the newest does not. The folder knows state
/// dicts and plain records only: which trainer objects fill them is the trainer's business
/// (<c>Diffusion.Runtime.Training.TrainingCheckpoint</c>), so the dependency runs one way, from training to checkpoints.
/// </remarks>
public sealed class RunFolder
{
    /// <summary>A view of the run directory <paramref name="outputDirectory"/>.</summary>
    public RunFolder(string outputDirectory)
    {
        OutputDirectory = Path.GetFullPath(outputDirectory);
        CheckpointsDirectory = Path.Combine(OutputDirectory, "checkpoints");
    }

    /// <summary>The run directory.</summary>
    public string OutputDirectory { get; }

    /// <summary><c>{output}/checkpoints</c>.</summary>
    public string CheckpointsDirectory { get; }

    /// <summary>
    /// Writes the checkpoint of <paramref name="state"/>.Step atomically and returns its directory. An existing
    /// checkpoint of the same step is replaced.
    /// </summary>
    /// <param name="model">The model: its network's state dict and its description.</param>
    /// <param name="ema">The EMA weights, keyed like the network's state dict.</param>
    /// <param name="optimizer">The optimizer state.</param>
    /// <param name="state">What a resumed run needs besides the tensors.</param>
    /// <param name="training">The run's options as JSON (<see cref="CheckpointConfig.Training"/>), or null.</param>
    /// <exception cref="CheckpointException">The network or EMA weights contain NaN or infinity (nothing is written).</exception>
    public string Save(ITrainableModel model, IReadOnlyDictionary<string, Tensor> ema, IReadOnlyDictionary<string, Tensor> optimizer, TrainerState state, JsonObject? training = null)
    {
        string finalDirectory = Path.Combine(CheckpointsDirectory, CheckpointLayout.DirectoryName(state.Step));
        var network = model.Network.state_dict();
        FiniteWeights.Require(network, "network", finalDirectory, state.Step);
        FiniteWeights.Require(ema, "EMA", finalDirectory, state.Step);

        var config = new CheckpointConfig(CheckpointLayout.FormatName, CheckpointLayout.FormatVersion, CheckpointLayout.TrainingKind,
            state.Step, FloatingTag(network), model.Description, training);
        RemoveLeftovers();
        AtomicDirectory.Write(finalDirectory, directory =>
        {
            SafetensorsFile.Write(Path.Combine(directory, CheckpointLayout.ModelFile), network);
            SafetensorsFile.Write(Path.Combine(directory, CheckpointLayout.EmaFile), ema);
            SafetensorsFile.Write(Path.Combine(directory, CheckpointLayout.OptimizerFile), optimizer);
            CheckpointJson.Write(Path.Combine(directory, CheckpointLayout.ConfigFile), config);
            CheckpointJson.Write(Path.Combine(directory, CheckpointLayout.TrainerFile), state);
            CheckpointManifest.Write(directory, CheckpointLayout.TrainingFiles);
        });
        return finalDirectory;
    }

    /// <summary>
    /// Deletes all but the <paramref name="keep"/> highest-step complete checkpoints. Each is first renamed to a
    /// <c>.tmp-*</c> name (one atomic step), so a crash mid-delete leaves no half-deleted <c>step-*</c> directory, only a
    /// leftover that <see cref="RemoveLeftovers"/> clears.
    /// </summary>
    public void Prune(int keep)
    {
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), $"keep = {keep}; keep at least the newest checkpoint.");
        var all = List();
        foreach (var (_, directory) in all.Take(Math.Max(0, all.Count - keep)))
        {
            string doomed = Path.Combine(CheckpointsDirectory, $".tmp-pruned-{Path.GetFileName(directory)}-{Guid.NewGuid():N}");
            Directory.Move(directory, doomed);
            Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>
    /// Cleans up after writes that a crash interrupted: removes <c>.tmp-*</c> directories (never renamed, so never a
    /// checkpoint) and puts back a <c>.old-step-*</c> directory whose replacement was never moved into place (the crash
    /// fell between the two renames of a same-step rewrite), deleting it otherwise. One run writes its folder from one
    /// process, so nothing else can be writing these.
    /// </summary>
    public void RemoveLeftovers() => AtomicDirectory.RemoveLeftovers(CheckpointsDirectory);

    /// <summary>The complete checkpoints (all five files present) by ascending step; temporary directories are ignored.</summary>
    public IReadOnlyList<(long Step, string Directory)> List()
    {
        if (!Directory.Exists(CheckpointsDirectory)) return [];
        var found = new List<(long, string)>();
        foreach (var directory in Directory.EnumerateDirectories(CheckpointsDirectory))
        {
            var match = CheckpointLayout.StepDirectory.Match(Path.GetFileName(directory));
            if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long step)) continue;
            if (CheckpointLayout.TrainingFiles.All(f => File.Exists(Path.Combine(directory, f)))) found.Add((step, directory));
        }
        return found.OrderBy(c => c.Item1).ToList();
    }

    /// <summary>
    /// The directory of the highest-step complete checkpoint that passes <see cref="CheckpointVerification.Verify"/>, or
    /// null when there is none. A newer checkpoint that fails verification is skipped, and <paramref name="onRefused"/>
    /// (by default standard error) is told which one and why, so a corrupted checkpoint never silently costs the steps
    /// since the previous one.
    /// </summary>
    /// <param name="onRefused">Told about each skipped checkpoint; standard error by default.</param>
    /// <param name="verify">False skips the checksums (the CLI's --no-verify): the newest checkpoint whose config reads is
    /// returned.</param>
    public string? Latest(Action<string>? onRefused = null, bool verify = true)
    {
        var all = List();
        for (int i = all.Count - 1; i >= 0; i--)
        {
            try
            {
                CheckpointVerification.Verify(all[i].Directory, verify);
                return all[i].Directory;
            }
            catch (CheckpointException e)
            {
                string fallback = i > 0 ? $"falling back to '{all[i - 1].Directory}'" : "no earlier checkpoint is left";
                (onRefused ?? WarnOnStandardError)($"checkpoint '{all[i].Directory}' is refused ({e.Message}); {fallback}.");
            }
        }
        return null;
    }

    /// <summary>
    /// Resolves what a user passed as a checkpoint: a checkpoint or release directory (it has config.json) as is, a
    /// run directory or its <c>checkpoints</c> folder to its latest checkpoint.
    /// </summary>
    /// <param name="path">The checkpoint, release or run directory.</param>
    /// <param name="onRefused">Told about checkpoints of a run directory skipped for failing verification (see
    /// <see cref="Latest"/>); standard error by default.</param>
    /// <param name="verify">False skips the checksums when picking a run's latest checkpoint (the CLI's --no-verify).</param>
    /// <exception cref="CheckpointException">Nothing loadable was found; the message names the path.</exception>
    public static string Resolve(string path, Action<string>? onRefused = null, bool verify = true)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, CheckpointLayout.ConfigFile))) return full;
        if (!Directory.Exists(full)) throw new CheckpointException(full, $"Checkpoint path '{full}' does not exist.");
        string runDirectory = Path.GetFileName(full) == "checkpoints" ? Path.GetDirectoryName(full)! : full;
        return new RunFolder(runDirectory).Latest(onRefused, verify)
            ?? throw new CheckpointException(full, $"'{full}' holds no complete, verified checkpoint (no {CheckpointLayout.ConfigFile}, no checkpoints/step-NNNNNNN/ with all of {string.Join(", ", CheckpointLayout.TrainingFiles)} and matching {CheckpointManifest.FileName}).");
    }

    /// <summary>
    /// The run folder a checkpoint belongs to (<c>{run}/checkpoints/step-NNNNNNN</c>), or null for a release or any
    /// directory outside a run.
    /// </summary>
    public static string? Of(string checkpointDirectory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDirectory));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || Path.GetFileName(parent) != "checkpoints" || !CheckpointLayout.StepDirectory.IsMatch(Path.GetFileName(full))) return null;
        return Path.GetDirectoryName(parent);
    }

    private static void WarnOnStandardError(string message) => Console.Error.WriteLine("warning: " + message);

    /// <summary>The tag of the network's floating-point weights (they share one dtype); F32 when it has none.</summary>
    private static string FloatingTag(IReadOnlyDictionary<string, Tensor> network) =>
        network.Values.FirstOrDefault(t => t.is_floating_point()) is { } first ? SafetensorsFile.DTypeTag(first.dtype) : "F32";
}
