using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>Loads the noisy classifier named by --classifier for classifier guidance.</summary>
internal static class NoisyClassifierFile
{
    /// <summary>
    /// Null without a path; else the checkpoint's EMA weights on <paramref name="device"/>, in eval mode (no dropout),
    /// their checksums verified unless <paramref name="verify"/> is false (--no-verify, which warns).
    /// </summary>
    public static ClassifierGuidance? Load(string? path, double scale, Device device, bool verify = true)
    {
        if (path is null) return null;
        var classifier = new MnistNoisyClassifier();
        string resolved = RunFolder.Resolve(path, verify: verify);
        CliOptions.WarnUnverified(!verify, resolved);
        CheckpointLoader.LoadForSampling(classifier, resolved, verify: verify);
        classifier.Network.to(device);
        classifier.Network.eval();
        System.Console.WriteLine($"[classifier] {resolved}: {classifier.Description.Name}, scale s = {scale}");
        return new ClassifierGuidance(classifier, scale);
    }
}
