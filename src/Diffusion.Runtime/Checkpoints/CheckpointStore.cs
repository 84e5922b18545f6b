using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// Writes and reads training checkpoints under <c>{output}/checkpoints/step-NNNNNNN/</c>, each a directory of
/// <c>model.safetensors</c> (the network's state dict under its own names, loadable by PyTorch's safetensors),
/// <c>ema.safetensors</c>, <c>optimizer.safetensors</c>, <c>config.json</c> (<see cref="CheckpointConfig"/>) and
/// <c>trainer.json</c> (<see cref="TrainerState"/>), and <c>SHA256SUMS</c> (<see cref="CheckpointManifest"/>).
/// </summary>
/// <remarks>
/// A checkpoint is written into a <c>.tmp-*</c> directory beside the final one, every file flushed to disk, the
/// checksum manifest last, then moved into place with one rename, so a crash leaves either the whole checkpoint or
/// none; <see cref="Latest"/> considers only complete <c>step-*</c> directories whose checksums verify, falling back to
/// the previous one (and saying so) when the newest does not. Every load verifies the checksums first, whatever the
/// layout version, unless the caller explicitly passes <c>verify: false</c>; every weights file is then read through
/// <see cref="SafetensorsFile"/>'s strict reader. Weights that contain NaN or infinity are never written or loaded.
/// </remarks>
public sealed class CheckpointStore
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
    /// <summary><see cref="CheckpointConfig.Version"/>.</summary>
    public const int FormatVersion = 2;
    /// <summary><see cref="CheckpointConfig.Kind"/> of a resumable training checkpoint.</summary>
    public const string TrainingKind = "training";
    /// <summary><see cref="CheckpointConfig.Kind"/> of an exported release.</summary>
    public const string ReleaseKind = "release";

    private static readonly string[] TrainingFiles = [ModelFile, EmaFile, OptimizerFile, ConfigFile, TrainerFile];
    private static readonly string[] ReleaseFiles = [ModelFile, ConfigFile];
    private static readonly Regex StepDirectory = new(@"^step-(\d{7,})$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The JSON settings of config.json and trainer.json: camelCase, indented, enums as strings, NaN allowed (skipped
    /// steps' losses).
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A store for the run directory <paramref name="outputDirectory"/>.</summary>
    public CheckpointStore(string outputDirectory)
    {
        OutputDirectory = Path.GetFullPath(outputDirectory);
        CheckpointsDirectory = Path.Combine(OutputDirectory, "checkpoints");
    }

    /// <summary>The run directory.</summary>
    public string OutputDirectory { get; }

    /// <summary><c>{output}/checkpoints</c>.</summary>
    public string CheckpointsDirectory { get; }

    /// <summary>The directory name of step <paramref name="step"/>'s checkpoint: <c>step-{step:D7}</c>.</summary>
    public static string DirectoryName(long step) => "step-" + step.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the checkpoint of <paramref name="state"/>.Step atomically and returns its directory. An existing
    /// checkpoint of the same step is replaced.
    /// </summary>
    /// <exception cref="CheckpointException">The network or EMA weights contain NaN or infinity (nothing is written).</exception>
    public string Save(ITrainableModel model, ExponentialMovingAverage ema, AdamW optimizer, TrainerState state, TrainingOptions? options = null)
    {
        string finalDirectory = Path.Combine(CheckpointsDirectory, DirectoryName(state.Step));
        var network = model.Network.state_dict();
        RequireFinite(network, "network", finalDirectory, state.Step);
        RequireFinite(ema.StateDict(), "EMA", finalDirectory, state.Step);

        var config = new CheckpointConfig(FormatName, FormatVersion, TrainingKind, state.Step, FloatingTag(network), model.Description, options);
        RemoveLeftovers();
        AtomicDirectory.Write(finalDirectory, directory =>
        {
            SafetensorsFile.Write(Path.Combine(directory, ModelFile), network);
            SafetensorsFile.Write(Path.Combine(directory, EmaFile), ema.StateDict());
            SafetensorsFile.Write(Path.Combine(directory, OptimizerFile), optimizer.StateDict());
            WriteJson(Path.Combine(directory, ConfigFile), config);
            WriteJson(Path.Combine(directory, TrainerFile), state);
            CheckpointManifest.Write(directory, TrainingFiles);
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
    /// fell between the two renames of a same-step rewrite), deleting it otherwise. One run writes its store from one
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
            var match = StepDirectory.Match(Path.GetFileName(directory));
            if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long step)) continue;
            if (TrainingFiles.All(f => File.Exists(Path.Combine(directory, f)))) found.Add((step, directory));
        }
        return found.OrderBy(c => c.Item1).ToList();
    }

    /// <summary>
    /// The directory of the highest-step complete checkpoint that passes <see cref="Verify"/>, or null when there is
    /// none. A newer checkpoint that fails verification is skipped, and <paramref name="onRefused"/> (by default standard
    /// error) is told which one and why, so a corrupted checkpoint never silently costs the steps since the previous one.
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
                Verify(all[i].Directory, verify);
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
    /// Verifies a checkpoint or release directory before anything reads its weights, and returns its config: its
    /// <see cref="CheckpointManifest"/> lists every file of the checkpoint's kind and every listed file's SHA-256 matches.
    /// A directory without a manifest is refused whatever its config's layout version says (deleting SHA256SUMS must not
    /// turn verification off); only <paramref name="verify"/> = false, an explicit choice of the caller (the CLI's
    /// --no-verify), skips the checksums, and then only the config is read.
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing, not a regular file or fails its checksum, or the manifest
    /// is missing or incomplete; the message names the file.</exception>
    public static CheckpointConfig Verify(string checkpointDirectory, bool verify = true)
    {
        if (!verify) return ReadConfig(checkpointDirectory);
        if (!CheckpointManifest.Exists(checkpointDirectory))
        {
            string manifest = Path.Combine(checkpointDirectory, CheckpointManifest.FileName);
            throw new CheckpointException(manifest, $"Checkpoint manifest '{manifest}' is missing; the checkpoint cannot be verified. Re-export it with a manifest, or load it unverified (--no-verify) if you trust its files.");
        }
        // Hash first, so a damaged config.json is reported as damaged rather than parsed.
        CheckpointManifest.Verify(checkpointDirectory, ReleaseFiles);
        var config = ReadConfig(checkpointDirectory);
        if (config.Kind == TrainingKind) CheckpointManifest.Verify(checkpointDirectory, TrainingFiles);
        return config;
    }

    private static void WarnOnStandardError(string message) => Console.Error.WriteLine("warning: " + message);

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
        if (File.Exists(Path.Combine(full, ConfigFile))) return full;
        if (!Directory.Exists(full)) throw new CheckpointException(full, $"Checkpoint path '{full}' does not exist.");
        string runDirectory = Path.GetFileName(full) == "checkpoints" ? Path.GetDirectoryName(full)! : full;
        return new CheckpointStore(runDirectory).Latest(onRefused, verify)
            ?? throw new CheckpointException(full, $"'{full}' holds no complete, verified checkpoint (no {ConfigFile}, no checkpoints/step-NNNNNNN/ with all of {string.Join(", ", TrainingFiles)} and matching {CheckpointManifest.FileName}).");
    }

    /// <summary>
    /// Restores a training checkpoint into a model, its EMA and its optimizer, and returns the trainer state. Every file is
    /// checked (present, intact, same keys and shapes, same model description) before any weight is changed.
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing, truncated or corrupted, or was written for another model; the
    /// message names the file and the mismatched description fields or keys.</exception>
    public static TrainerState Load(string checkpointDirectory, ITrainableModel model, ExponentialMovingAverage ema, AdamW optimizer)
    {
        var config = Verify(checkpointDirectory);
        VerifyDescription(config.Description, model.Description, Path.Combine(checkpointDirectory, ConfigFile));
        if (config.Kind != TrainingKind)
            throw new CheckpointException(checkpointDirectory, $"'{checkpointDirectory}' is a {config.Kind} checkpoint (weights only); training resumes only from a {TrainingKind} checkpoint.");
        var state = ReadJson<TrainerState>(Path.Combine(checkpointDirectory, TrainerFile));

        var targets = new (string File, IReadOnlyDictionary<string, Tensor> Tensors, string What)[]
        {
            (Path.Combine(checkpointDirectory, ModelFile), model.Network.state_dict(), "network weights"),
            (Path.Combine(checkpointDirectory, EmaFile), ema.StateDict(), "EMA weights"),
            (Path.Combine(checkpointDirectory, OptimizerFile), optimizer.StateDict(), "optimizer state"),
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
        optimizer.SyncStepFromTensor();
        ema.UpdateCount = state.EmaUpdates;
        if (optimizer.StepCount != state.Step - state.SkippedSteps.Count)
            throw new CheckpointException(checkpointDirectory, $"'{checkpointDirectory}' is inconsistent: the optimizer took {optimizer.StepCount} steps but {TrainerFile} says step {state.Step} with {state.SkippedSteps.Count} skipped.");
        return state;
    }

    /// <summary>
    /// Puts a checkpoint's weights into <paramref name="model"/>'s network for sampling (and sets it to eval mode): the
    /// EMA weights when <paramref name="useEma"/>, else the raw network weights. A release directory holds only the EMA
    /// weights (possibly float16, converted to the network's dtype), so <paramref name="useEma"/> = false is refused there.
    /// <paramref name="checkpointDirectory"/> may also be a run directory (its latest checkpoint is used). The weights'
    /// floating-point dtype must be the config's <see cref="CheckpointConfig.WeightsDType"/>.
    /// </summary>
    /// <param name="model">The model whose network receives the weights.</param>
    /// <param name="checkpointDirectory">A checkpoint, release or run directory.</param>
    /// <param name="useEma">The EMA weights (default) or the raw network weights of a training checkpoint.</param>
    /// <param name="verify">False skips the checksums (the CLI's --no-verify, which warns); the files are still read
    /// strictly.</param>
    /// <exception cref="CheckpointException">As <see cref="Load"/>.</exception>
    public static void LoadForSampling(ITrainableModel model, string checkpointDirectory, bool useEma = true, bool verify = true)
    {
        string directory = Resolve(checkpointDirectory, verify: verify);
        var config = Verify(directory, verify);
        VerifyDescription(config.Description, model.Description, Path.Combine(directory, ConfigFile));
        string file;
        if (config.Kind == ReleaseKind)
        {
            if (!useEma) throw new CheckpointException(directory, $"'{directory}' is a release (EMA weights only); load it with useEma = true.");
            file = ModelFile;
        }
        else file = useEma ? EmaFile : ModelFile;
        SafetensorsFile.LoadInto(Path.Combine(directory, file), model.Network.state_dict(), useEma ? "EMA weights" : "network weights", config.WeightsDType);
        model.Network.eval();
    }

    /// <summary>
    /// Exports the EMA weights of a training checkpoint as a release: <c>model.safetensors</c> (float16 when
    /// <paramref name="float16"/>, halving its size; <see cref="LoadForSampling"/> converts back) and config.json,
    /// written atomically to <paramref name="releaseDirectory"/> (<see cref="AtomicDirectory"/>). Returns the directory.
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
    /// <param name="model">The model the checkpoint is of (its weights are not used, only its description and state dict's
    /// names and shapes).</param>
    /// <param name="float16">Store the weights as float16.</param>
    /// <param name="force">Replace what is at <paramref name="releaseDirectory"/> even when it is not an earlier release.</param>
    /// <exception cref="OutputPathException">The release folder is refused (nothing was written).</exception>
    /// <exception cref="CheckpointException">The checkpoint is unreadable, of another model, its EMA file does not match
    /// the model (the message names the file and the differing keys), or a weight overflows float16.</exception>
    public static string ExportForRelease(string checkpointDirectory, string releaseDirectory, ITrainableModel model, bool float16 = true, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        string source = Resolve(checkpointDirectory);
        string[] inputs = [checkpointDirectory, source, .. RunFolderOf(source) is { } run ? [run] : Array.Empty<string>()];
        string target = OutputPath.CheckDirectory(releaseDirectory, "release folder", force, IsRelease, inputs);
        var config = Verify(source);
        if (config.Kind != TrainingKind)
            throw new CheckpointException(source, $"'{source}' is already a {config.Kind}; export from a training checkpoint.");
        VerifyDescription(config.Description, model.Description, Path.Combine(source, ConfigFile));
        string emaPath = Path.Combine(source, EmaFile);
        var weights = SafetensorsFile.Read(emaPath, model.Network.state_dict(), "EMA weights", config.WeightsDType);
        try
        {
            using var scope = NewDisposeScope();
            var converted = new Dictionary<string, Tensor>(weights.Count);
            foreach (var (name, tensor) in weights)
                converted[name] = float16 && tensor.is_floating_point() ? tensor.to(ScalarType.Float16) : tensor;
            RequireFinite(converted, float16 ? "EMA (as float16)" : "EMA", target, config.Step);
            var releaseConfig = config with { Version = FormatVersion, Kind = ReleaseKind, WeightsDType = float16 ? "F16" : "F32" };
            AtomicDirectory.Write(target, directory =>
            {
                SafetensorsFile.Write(Path.Combine(directory, ModelFile), converted);
                WriteJson(Path.Combine(directory, ConfigFile), releaseConfig);
                CheckpointManifest.Write(directory, ReleaseFiles);
            });
            return target;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
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
        if (!names.SetEquals([.. ReleaseFiles, CheckpointManifest.FileName])) return false;
        if (ReleaseFiles.Append(CheckpointManifest.FileName).Any(f => PathKinds.Of(Path.Combine(directory, f)) != PathKind.Regular)) return false;
        try
        {
            return ReadConfig(directory).Kind == ReleaseKind;
        }
        catch (CheckpointException)
        {
            return false;
        }
    }

    /// <summary>
    /// The run folder a checkpoint belongs to (<c>{run}/checkpoints/step-NNNNNNN</c>), or null for a release or any
    /// directory outside a run.
    /// </summary>
    public static string? RunFolderOf(string checkpointDirectory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDirectory));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || Path.GetFileName(parent) != "checkpoints" || !StepDirectory.IsMatch(Path.GetFileName(full))) return null;
        return Path.GetDirectoryName(parent);
    }

    /// <summary>Reads a checkpoint's config.json.</summary>
    /// <exception cref="CheckpointException">It is missing or not a checkpoint config; the message names the file.</exception>
    public static CheckpointConfig ReadConfig(string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, ConfigFile);
        var config = ReadJson<CheckpointConfig>(path);
        if (config.Format != FormatName || config.Description is null)
            throw new CheckpointException(path, $"'{path}' is not a {FormatName} config (format '{config.Format}').");
        if (config.Version > FormatVersion)
            throw new CheckpointException(path, $"'{path}' has layout version {config.Version}; this runtime reads up to {FormatVersion}.");
        if (config.WeightsDType is not ("F32" or "F16" or "BF16" or "F64"))
            throw new CheckpointException(path, $"'{path}' has weightsDType '{config.WeightsDType}'; expected F32, F16, BF16 or F64.");
        return config;
    }

    /// <summary>Reads a checkpoint's trainer.json.</summary>
    public static TrainerState ReadTrainerState(string checkpointDirectory) => ReadJson<TrainerState>(Path.Combine(checkpointDirectory, TrainerFile));

    /// <summary>
    /// The fields in which two descriptions differ, as "Field: checkpoint X, model Y" (network hyperparameters as
    /// "Network.name"); empty when they are equal.
    /// </summary>
    public static IReadOnlyList<string> DescriptionDifferences(ModelDescription checkpoint, ModelDescription model)
    {
        var differences = new List<string>();
        void Compare<T>(string field, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) differences.Add($"{field}: checkpoint {Show(a)}, model {Show(b)}");
        }
        Compare(nameof(ModelDescription.Name), checkpoint.Name, model.Name);
        Compare(nameof(ModelDescription.Channels), checkpoint.Channels, model.Channels);
        Compare(nameof(ModelDescription.ImageSize), checkpoint.ImageSize, model.ImageSize);
        Compare(nameof(ModelDescription.Classes), checkpoint.Classes, model.Classes);
        Compare(nameof(ModelDescription.Predicts), checkpoint.Predicts, model.Predicts);
        Compare(nameof(ModelDescription.Schedule), checkpoint.Schedule, model.Schedule);
        Compare(nameof(ModelDescription.Timesteps), checkpoint.Timesteps, model.Timesteps);
        // The variance changes what sampling does with the weights; the objective and weighting only how they were trained.
        Compare(nameof(ModelDescription.Variance), checkpoint.Variance, model.Variance);
        var a = checkpoint.Network ?? new Dictionary<string, double>();
        var b = model.Network ?? new Dictionary<string, double>();
        foreach (var key in a.Keys.Union(b.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            double? x = a.TryGetValue(key, out var av) ? av : null, y = b.TryGetValue(key, out var bv) ? bv : null;
            Compare("Network." + key, x, y);
        }
        return differences;

        static string Show<T>(T value) => value switch
        {
            null => "none",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s => $"'{s}'",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "none",
        };
    }

    /// <summary>Throws unless the descriptions are equal, listing every differing field.</summary>
    /// <exception cref="CheckpointException">They differ; the message names <paramref name="configPath"/> and the fields.</exception>
    public static void VerifyDescription(ModelDescription checkpoint, ModelDescription model, string configPath)
    {
        var differences = DescriptionDifferences(checkpoint, model);
        if (differences.Count > 0)
            throw new CheckpointException(configPath, $"'{configPath}' was written for another model: {string.Join("; ", differences)}.");
    }

    private static void RequireFinite(IReadOnlyDictionary<string, Tensor> tensors, string what, string directory, long step)
    {
        using var scope = NewDisposeScope();
        var bad = tensors.Where(kv => kv.Value.is_floating_point() && !isfinite(kv.Value).all().item<bool>()).Select(kv => kv.Key).ToList();
        if (bad.Count > 0)
            throw new CheckpointException(directory, $"Refusing to write checkpoint '{directory}' (step {step}): the {what} weights contain NaN or infinity in [{string.Join(", ", bad)}]. Earlier checkpoints are untouched.");
    }

    private static void WriteJson<T>(string path, T value)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, value, JsonOptions);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The tag of the network's floating-point weights (they share one dtype); F32 when it has none.</summary>
    private static string FloatingTag(IReadOnlyDictionary<string, Tensor> network) =>
        network.Values.FirstOrDefault(t => t.is_floating_point()) is { } first ? SafetensorsFile.DTypeTag(first.dtype) : "F32";

    private static T ReadJson<T>(string path)
    {
        // Through the guarded open: a regular file of bounded size, so a FIFO or device cannot hang or exhaust the reader.
        byte[] bytes = CheckpointInput.ReadAllBytes(path, CheckpointInput.MaxJsonBytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, JsonOptions)
                ?? throw new CheckpointException(path, $"Checkpoint file '{path}' is empty (null).");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: {e.Message}", e);
        }
    }
}
