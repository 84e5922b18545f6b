using System;
using System.Globalization;
using System.IO;

namespace Diffusion.Runtime.IO;

/// <summary>
/// Keeps a second process out of a run folder while one writes it: an exclusive lock on <c>{folder}/.lock</c> (an
/// advisory <c>flock</c>, which .NET takes for <see cref="FileShare.None"/>; the kernel drops it when the holder exits
/// or is killed, so there is never a stale lock), and a line naming the holder in <c>{folder}/.lock-holder</c> for the
/// message the refused process prints.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string FileName = ".lock";

    /// <summary>The holder description's file name inside the run folder.</summary>
    public const string HolderFileName = ".lock-holder";

    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="folder"/> (created if missing), or refuses.</summary>
    /// <exception cref="RunLockedException">Another process holds it; the message names the folder and the holder.</exception>
    public static RunLock Acquire(string folder)
    {
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        string path = Path.Combine(full, FileName), holderPath = Path.Combine(full, HolderFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            string holder = "another process";
            try { holder = File.ReadAllText(holderPath).Trim(); } catch (IOException) { }
            throw new RunLockedException(full, $"Run folder '{full}' is in use by {holder}; wait for it to finish, stop it, or choose another folder.");
        }
        string description = string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        AtomicFile.WriteText(holderPath, description + "\n");
        return new RunLock(stream);
    }

    /// <summary>Releases the lock (the holder file stays; it is rewritten by the next holder).</summary>
    public void Dispose() => stream.Dispose();
}

/// <summary>A run folder is locked by another process.</summary>
/// <param name="folder">The run folder.</param>
/// <param name="message">The message, naming the folder and the holder.</param>
public sealed class RunLockedException(string folder, string message) : IOException(message)
{
    /// <summary>The locked run folder.</summary>
    public string Folder { get; } = folder;
}
