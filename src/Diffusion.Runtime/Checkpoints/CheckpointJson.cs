using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// Reads and writes a checkpoint's JSON files (config.json, trainer.json) with one set of settings, and checks a
/// config before anyone trusts it: its format name, a layout version this runtime reads, a known weights dtype.
/// </summary>
public static class CheckpointJson
{
    /// <summary>
    /// The JSON settings of config.json and trainer.json: camelCase, indented, enums as strings, NaN allowed (skipped
    /// steps' losses).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads a checkpoint's config.json.</summary>
    /// <exception cref="CheckpointException">It is missing or not a checkpoint config; the message names the file.</exception>
    public static CheckpointConfig ReadConfig(string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, CheckpointLayout.ConfigFile);
        var config = Read<CheckpointConfig>(path);
        if (config.Format != CheckpointLayout.FormatName || config.Description is null)
            throw new CheckpointException(path, $"'{path}' is not a {CheckpointLayout.FormatName} config (format '{config.Format}').");
        if (config.Version > CheckpointLayout.FormatVersion)
            throw new CheckpointException(path, $"'{path}' has layout version {config.Version}; this runtime reads up to {CheckpointLayout.FormatVersion}.");
        if (config.WeightsDType is not ("F32" or "F16" or "BF16" or "F64"))
            throw new CheckpointException(path, $"'{path}' has weightsDType '{config.WeightsDType}'; expected F32, F16, BF16 or F64.");
        foreach (var (name, tag) in config.ExactTensors ?? new System.Collections.Generic.Dictionary<string, string>())
            if (tag is not ("F32" or "F16" or "BF16" or "F64"))
                throw new CheckpointException(path, $"'{path}' keeps exact tensor '{name}' as '{tag}'; expected F32, F16, BF16 or F64.");
        return config;
    }

    /// <summary>Reads a checkpoint's trainer.json.</summary>
    /// <exception cref="CheckpointException">It is missing or corrupted; the message names the file.</exception>
    public static TrainerState ReadTrainerState(string checkpointDirectory) =>
        Read<TrainerState>(Path.Combine(checkpointDirectory, CheckpointLayout.TrainerFile));

    /// <summary>Writes <paramref name="value"/> to a new file (which must not exist) and flushes it to the disk.</summary>
    internal static void Write<T>(string path, T value)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, value, Options);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads a JSON file of a checkpoint through the guarded open.</summary>
    /// <exception cref="CheckpointException">It is missing, not a regular file, too large, null or not valid JSON.</exception>
    internal static T Read<T>(string path)
    {
        // Through the guarded open: a regular file of bounded size, so a FIFO or device cannot hang or exhaust the reader.
        byte[] bytes = CheckpointInput.ReadAllBytes(path, CheckpointInput.MaxJsonBytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options)
                ?? throw new CheckpointException(path, $"Checkpoint file '{path}' is empty (null).");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: {e.Message}", e);
        }
    }
}
