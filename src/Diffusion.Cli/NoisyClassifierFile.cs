using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Cli;

/// <summary>Loads the noisy classifier named by --classifier for classifier guidance.</summary>
internal static class NoisyClassifierFile
{
    /// <summary>
    /// The checkpoint's EMA weights loaded into <paramref name="classifier"/> on <paramref name="device"/>, in eval mode
    /// (no dropout), their checksums verified unless <paramref name="verify"/> is false (--no-verify, which warns).
    /// </summary>
    public static ClassifierGuidance Load(INoisyClassifier classifier, string path, double scale, Device device, bool verify = true)
    {
        string resolved = LoadedModel.Load(classifier, path, device, verify);
        System.Console.WriteLine($"[classifier] {resolved}: {classifier.Description.Name}, scale s = {scale}");
        return new ClassifierGuidance(classifier, scale);
    }
}
