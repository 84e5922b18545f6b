using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// Turns a training checkpoint into a release: the EMA weights alone, as <c>model.safetensors</c> beside config.json
/// and a fresh manifest, optionally halved to float16 except for the tensors that are never trained.
/// </summary>
public static class ReleaseExport
{
    /// <summary>
    /// Exports the EMA weights of a training checkpoint as a release: <c>model.safetensors</c> (float16 when
    /// <paramref name="float16"/>, halving its size; <see cref="CheckpointLoader.LoadForSampling"/> converts back) and
    /// config.json, written atomically to <paramref name="releaseDirectory"/> (<see cref="AtomicDirectory"/>). Returns
    /// the directory. A float16 release keeps the network's fixed tensors (its buffers and the parameters that do not
    /// require a gradient, such as the DiT's sine-cosine <c>pos_embed</c>) at the checkpoint's precision and lists them in
    /// <see cref="CheckpointConfig.ExactTensors"/>: they are tables known exactly, and float16 would move them by up to
    /// 2.4e-4 for a few kilobytes.
    /// </summary>
    /// <remarks>
    /// The release gets fresh checksums, so whatever it holds must be checked here, before anything is written: the
    /// checkpoint verifies, was written for <paramref name="model"/>'s description, and its EMA file has exactly the
    /// network's keys, shapes and dtype. Otherwise a release would carry valid checksums over weights that fail only
    /// when someone samples from them. What is at <paramref name="releaseDirectory"/> is replaced only when it is an
    /// earlier release (<see cref="IsRelease"/>) or an empty folder, or with <paramref name="force"/>; never when it is,
    /// contains or lies inside the source checkpoint or its run folder, or contains the current folder
    /// (<see cref="OutputPath.CheckDirectory"/>). That check runs before anything is read.
    /// </remarks>
    /// <param name="checkpointDirectory">A training checkpoint or run directory (its latest checkpoint).</param>
    /// <param name="releaseDirectory">The release directory to write.</param>
    /// <param name="model">The model the checkpoint is of (its weights are not used, only its description, its state
    /// dict's names and shapes, and which of its tensors are fixed).</param>
    /// <param name="float16">Store the trained weights as float16.</param>
    /// <param name="force">Replace what is at <paramref name="releaseDirectory"/> even when it is not an earlier release.</param>
    /// <exception cref="OutputPathException">The release folder is refused (nothing was written).</exception>
    /// <exception cref="CheckpointException">The checkpoint is unreadable, of another model, its EMA file does not match
    /// the model (the message names the file and the differing keys), or a weight overflows float16.</exception>
    public static string Export(string checkpointDirectory, string releaseDirectory, ITrainableModel model, bool float16 = true, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        string source = RunFolder.Resolve(checkpointDirectory);
        string[] inputs = [checkpointDirectory, source, .. RunFolder.Of(source) is { } run ? [run] : Array.Empty<string>()];
        string target = OutputPath.CheckDirectory(releaseDirectory, "release folder", force, IsRelease, inputs);
        var config = CheckpointVerification.Verify(source);
        if (config.Kind != CheckpointLayout.TrainingKind)
            throw new CheckpointException(source, $"'{source}' is already a {config.Kind}; export from a training checkpoint.");
        DescriptionDiff.Verify(config.Description, model.Description, Path.Combine(source, CheckpointLayout.ConfigFile));
        string emaPath = Path.Combine(source, CheckpointLayout.EmaFile);
        using var views = NewDisposeScope();
        var stateDict = model.Network.state_dict();
        var read = SafetensorsFile.Read(emaPath, FormerUNetKeys.AsStored(emaPath, stateDict, model.Network), "EMA weights", config.WeightsDType);
        var weights = FormerUNetKeys.ToCurrent(read, stateDict, model.Network);    // releases use the current names
        try
        {
            using var scope = NewDisposeScope();
            HashSet<string> fixedNames = float16 ? FixedTensorNames(model) : [];
            var converted = new Dictionary<string, Tensor>(weights.Count);
            var exact = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in weights)
            {
                bool halve = float16 && tensor.is_floating_point() && !fixedNames.Contains(name);
                if (float16 && tensor.is_floating_point() && !halve) exact[name] = SafetensorsFile.DTypeTag(tensor.dtype);
                converted[name] = halve ? tensor.to(ScalarType.Float16) : tensor;
            }
            FiniteWeights.Require(converted, float16 ? "EMA (as float16)" : "EMA", target, config.Step);
            var releaseConfig = config with
            {
                Version = CheckpointLayout.FormatVersion,
                Kind = CheckpointLayout.ReleaseKind,
                WeightsDType = float16 ? "F16" : "F32",
                ExactTensors = exact.Count > 0 ? exact : null,
            };
            AtomicDirectory.Write(target, directory =>
            {
                SafetensorsFile.Write(Path.Combine(directory, CheckpointLayout.ModelFile), converted);
                CheckpointJson.Write(Path.Combine(directory, CheckpointLayout.ConfigFile), releaseConfig);
                CheckpointManifest.Write(directory, CheckpointLayout.ReleaseFiles);
            });
            return target;
        }
        finally
        {
            foreach (var tensor in read.Values) tensor.Dispose();    // views of them, if any, go with the scope
        }
    }

    /// <summary>
    /// Whether <paramref name="directory"/> is a release this runtime wrote: a release config.json, a manifest, and
    /// nothing but the release's files (so replacing it loses nothing of the user's).
    /// </summary>
    public static bool IsRelease(string directory)
    {
        if (PathKinds.Of(directory) != PathKind.Directory) return false;
        var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        if (!names.SetEquals([.. CheckpointLayout.ReleaseFiles, CheckpointManifest.FileName])) return false;
        if (CheckpointLayout.ReleaseFiles.Append(CheckpointManifest.FileName).Any(f => PathKinds.Of(Path.Combine(directory, f)) != PathKind.Regular)) return false;
        try
        {
            return CheckpointJson.ReadConfig(directory).Kind == CheckpointLayout.ReleaseKind;
        }
        catch (CheckpointException)
        {
            return false;
        }
    }

    /// <summary>
    /// The state-dict names of the network's tensors that training never changes: its buffers and its parameters that
    /// do not require a gradient.
    /// </summary>
    private static HashSet<string> FixedTensorNames(ITrainableModel model)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in model.Network.named_buffers()) names.Add(name);
        foreach (var (name, parameter) in model.Network.named_parameters())
            if (!parameter.requires_grad) names.Add(name);
        return names;
    }
}
