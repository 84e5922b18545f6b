using System;
using System.IO;
using System.Linq;
using System.Text;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>Untrained checkpoints and releases to damage, and the edits a tester makes to them.</summary>
internal static class TestReleases
{
    /// <summary>
    /// Saves <paramref name="model"/> as it is (nothing trained) as a step-1 training checkpoint and exports its release;
    /// returns both directories.
    /// </summary>
    public static (string Checkpoint, string Release) Export(ITrainableModel model, string name, bool float16 = true)
    {
        var store = new RunFolder(TestTorch.TempDirectory(name));
        using var ema = new ExponentialMovingAverage(model.Network, 0.9);
        using var optimizer = new Diffusion.Runtime.Training.AdamW(model.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2);
        string checkpoint = store.Save(model, ema, optimizer, new TrainerState(1, 0, [0.5], [], 0, 0));
        string release = ReleaseExport.Export(checkpoint, store.OutputDirectory + "-release", model, float16); // beside the run
        return (checkpoint, release);
    }

    /// <summary>The header JSON and the data section of a safetensors file.</summary>
    public static (string Header, byte[] Data) Split(byte[] file)
    {
        int length = checked((int)BitConverter.ToUInt64(file, 0));
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    /// <summary>A safetensors file of <paramref name="header"/> (its length field set to match) and <paramref name="data"/>.</summary>
    public static byte[] Build(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }

    /// <summary>Rewrites the header of the safetensors file at <paramref name="path"/> with <paramref name="edit"/>.</summary>
    public static void EditHeader(string path, Func<string, string> edit)
    {
        var (header, data) = Split(File.ReadAllBytes(path));
        File.WriteAllBytes(path, Build(edit(header), data));
    }

    /// <summary>Rewrites the directory's SHA256SUMS over the files it lists, as someone who tampered with them would.</summary>
    public static void Restamp(string directory)
    {
        var listed = CheckpointManifest.Read(directory).Keys.ToList();
        File.Delete(Path.Combine(directory, CheckpointManifest.FileName));
        CheckpointManifest.Write(directory, listed);
    }
}
