using System.IO;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The check every load passes before any weight is read: the directory's <see cref="CheckpointManifest"/> lists every
/// file of the checkpoint's kind and every listed file's SHA-256 matches.
/// </summary>
public static class CheckpointVerification
{
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
        if (!verify) return CheckpointJson.ReadConfig(checkpointDirectory);
        if (!CheckpointManifest.Exists(checkpointDirectory))
        {
            string manifest = Path.Combine(checkpointDirectory, CheckpointManifest.FileName);
            throw new CheckpointException(manifest, $"Checkpoint manifest '{manifest}' is missing; the checkpoint cannot be verified. Re-export it with a manifest, or load it unverified (--no-verify) if you trust its files.");
        }
        // Hash first, so a damaged config.json is reported as damaged rather than parsed.
        CheckpointManifest.Verify(checkpointDirectory, CheckpointLayout.ReleaseFiles);
        var config = CheckpointJson.ReadConfig(checkpointDirectory);
        if (config.Kind == CheckpointLayout.TrainingKind) CheckpointManifest.Verify(checkpointDirectory, CheckpointLayout.TrainingFiles);
        return config;
    }
}
