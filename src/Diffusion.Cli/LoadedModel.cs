using System;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli;

/// <summary>Loads a checkpoint's EMA weights into a declared model for sampling or scoring.</summary>
internal static class LoadedModel
{
    /// <summary>
    /// Resolves <paramref name="path"/> (a checkpoint, run or release folder), loads its EMA weights into
    /// <paramref name="model"/> (checksums verified unless <paramref name="verify"/> is false, which warns) and moves the
    /// network to <paramref name="device"/> in eval mode. Returns the resolved checkpoint folder.
    /// </summary>
    public static string Load(ITrainableModel model, string path, Device device, bool verify)
    {
        string resolved = RunFolder.Resolve(path, verify: verify);
        CliOptions.WarnUnverified(!verify, resolved);
        CheckpointLoader.LoadForSampling(model, resolved, verify: verify);
        model.Network.to(device);
        model.Network.eval();
        return resolved;
    }

    /// <summary>The diffusion model of <paramref name="entry"/> (a --model the command validated as one).</summary>
    /// <exception cref="CommandLineException">It is a cascade's super-resolution stage, which samples only from a low-resolution image.</exception>
    public static IDiffusionModel Diffusion(ModelEntry entry)
    {
        var model = entry.Factory() as IDiffusionModel ?? throw new InvalidOperationException($"{entry.Name}'s factory did not build an IDiffusionModel.");
        if (model is Runtime.Cascades.ISuperResolutionModel)
            throw new CommandLineException($"{entry.Name} is a super-resolution stage: it samples conditioned on a low-resolution image; sample the cascade it belongs to.");
        return model;
    }

    /// <summary>
    /// A student's declared teacher <paramref name="type"/>, found in <paramref name="catalog"/> by type, with the EMA
    /// weights of <paramref name="path"/> (verified as <see cref="Load"/> verifies; a checkpoint of another model is
    /// refused naming its config), and the checkpoint folder it resolved to. <paramref name="tag"/> prefixes the line that
    /// names what was loaded.
    /// </summary>
    public static (IDiffusionModel Model, string Resolved) Teacher(ModelCatalog catalog, Type type, string student, string path, Device device, bool verify, string tag)
    {
        var teacher = catalog.OfKind(ModelKind.Diffusion).Where(e => e.Name == type.Name).Select(Diffusion).FirstOrDefault(m => m.GetType() == type)
            ?? throw new CommandLineException($"{student}'s teacher {type.Name} is not in this program's catalog; declare it in the same assembly.");
        string resolved = Load(teacher, path, device, verify);
        Console.WriteLine($"{tag} teacher {type.Name} from {resolved}");
        return (teacher, resolved);
    }
}
