using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [SuperResolution(FromSize = ..., Augmentation = ...)] on a [DiffusionModel] to a <see cref="SuperResolutionSpec"/>
/// (Ho et al. 2021, Sec. 3 and 4): the network must take the low-resolution image (DDSL056), FromSize must divide its
/// InputSize (DDSL057), and the augmentation's range and sampling level must fit (DDSL058). Also DDSL056 for a network
/// with [LowResolutionConditioning] on a model without [SuperResolution].
/// </summary>
internal static class SuperResolutionParser
{
    /// <summary>
    /// The spec of <paramref name="superResolution"/> (null on a plain model) on <paramref name="model"/> denoising with
    /// <paramref name="network"/> under <paramref name="schedule"/> (either null when it has errors), or null with the
    /// reasons in <paramref name="diagnostics"/>.
    /// </summary>
    public static SuperResolutionSpec? Parse(AttributeView? superResolution, AttributeView model, NetworkSpec? network,
        ScheduleSpec? schedule, List<DiagnosticInfo> diagnostics)
    {
        if (network is null) return null;
        var networkLocation = model.ConstructorLocation(1, "network");
        if (superResolution is null)
        {
            if (network.LowResolutionChannels > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SuperResolutionNetworkMismatch, networkLocation,
                    "'" + network.Type.Name + "' takes a low-resolution image ([LowResolutionConditioning]), but this model has no [SuperResolution]",
                    "add [SuperResolution(FromSize = ...)] to the model, or remove [LowResolutionConditioning] from the network"));
            }
            return null;
        }
        int before = diagnostics.Count;
        if (network is not TransformerSpec)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SuperResolutionNetworkMismatch, networkLocation,
                "'" + network.Type.Name + "' is a " + NetworkKinds.Of(network).DisplayName + "; super-resolution stages are [DiffusionTransformer] networks for now",
                "declare the stage's network as a [DiffusionTransformer] with [LowResolutionConditioning(Channels = " + CodeWriter.Int(network.InChannels) + ")]"));
        }
        else if (network.LowResolutionChannels != network.InChannels)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SuperResolutionNetworkMismatch, networkLocation,
                network.LowResolutionChannels == 0
                    ? "'" + network.Type.Name + "' has no low-resolution input channels, so it cannot see the image the stage is conditioned on"
                    : "'" + network.Type.Name + "' takes " + CodeWriter.Int(network.LowResolutionChannels) + " low-resolution channels, but its images have "
                        + CodeWriter.Int(network.InChannels),
                "add [LowResolutionConditioning(Channels = " + CodeWriter.Int(network.InChannels) + ")] to '" + network.Type.Name + "'"));
        }

        int fromSize = superResolution.Int("FromSize", 0);
        if (fromSize < 1 || fromSize >= network.InputSize || network.InputSize % fromSize != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SuperResolutionSizeInvalid, superResolution.NamedLocation("FromSize"),
                fromSize, network.InputSize, CodeWriter.Int(LargestProperDivisor(network.InputSize))));
        }

        int augmentation = superResolution.Int("Augmentation", (int)NoiseAugmentation.Gaussian);
        int minLevel = superResolution.Int("MinLevel", 0), maxLevel = superResolution.Int("MaxLevel", 250);
        double minSigma = superResolution.Double("MinBlurSigma", 0.4), maxSigma = superResolution.Double("MaxBlurSigma", 0.6);
        double samplingLevel = superResolution.Double("SamplingLevel", 0);
        int timesteps = schedule?.Timesteps ?? int.MaxValue;
        switch ((NoiseAugmentation)augmentation)
        {
            case NoiseAugmentation.Gaussian:
                if (minLevel < 0 || maxLevel > timesteps || minLevel > maxLevel)
                {
                    var location = superResolution.Has("MaxLevel") || !superResolution.Has("MinLevel")
                        ? superResolution.NamedLocation("MaxLevel") : superResolution.NamedLocation("MinLevel");
                    Range(diagnostics, location, "the Gaussian levels " + CodeWriter.Int(minLevel) + ".." + CodeWriter.Int(maxLevel)
                        + " are " + (minLevel > maxLevel ? "empty" : "outside 0..T = 0.." + CodeWriter.Int(timesteps)),
                        "0 <= MinLevel <= MaxLevel <= T (the schedule's " + CodeWriter.Int(timesteps) + " steps)");
                }
                if (!(samplingLevel >= 0 && samplingLevel <= timesteps && samplingLevel == System.Math.Floor(samplingLevel)))
                {
                    Range(diagnostics, superResolution.NamedLocation("SamplingLevel"), "SamplingLevel = " + CodeWriter.Double(samplingLevel)
                        + " is no Gaussian level", "a whole number of steps in 0..T = 0.." + CodeWriter.Int(timesteps) + " (0: no augmentation)");
                }
                break;
            case NoiseAugmentation.Blur:
                if (!(minSigma >= 0 && maxSigma <= 100 && minSigma <= maxSigma))
                {
                    var location = superResolution.Has("MaxBlurSigma") || !superResolution.Has("MinBlurSigma")
                        ? superResolution.NamedLocation("MaxBlurSigma") : superResolution.NamedLocation("MinBlurSigma");
                    Range(diagnostics, location, "the blur sigmas " + CodeWriter.Double(minSigma) + ".." + CodeWriter.Double(maxSigma)
                        + " are " + (minSigma > maxSigma ? "empty" : "outside 0..100 pixels"),
                        "0 <= MinBlurSigma <= MaxBlurSigma <= 100 low-resolution pixels (Ho et al. 2021 draw 0.4..0.6)");
                }
                if (!(samplingLevel >= 0 && samplingLevel <= 100))
                {
                    Range(diagnostics, superResolution.NamedLocation("SamplingLevel"), "SamplingLevel = " + CodeWriter.Double(samplingLevel)
                        + " is no blur sigma", "a sigma in 0..100 low-resolution pixels (0: no blur)");
                }
                break;
            case NoiseAugmentation.None:
                if (samplingLevel != 0)
                {
                    Range(diagnostics, superResolution.NamedLocation("SamplingLevel"), "SamplingLevel = " + CodeWriter.Double(samplingLevel)
                        + " on a stage trained without augmentation", "0, or declare an Augmentation");
                }
                break;
            default:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, superResolution.NamedLocation("Augmentation"),
                    "Augmentation", augmentation, "NoiseAugmentation.None, Gaussian or Blur"));
                break;
        }
        if (diagnostics.Count > before) return null;

        var kind = (NoiseAugmentation)augmentation;
        bool gaussian = kind == NoiseAugmentation.Gaussian, blur = kind == NoiseAugmentation.Blur;
        return new SuperResolutionSpec(fromSize, network.InputSize, network.InChannels, kind,
            gaussian ? minLevel : 0, gaussian ? maxLevel : 0, blur ? minSigma : 0, blur ? maxSigma : 0, samplingLevel);
    }

    private static void Range(List<DiagnosticInfo> diagnostics, LocationInfo? location, string problem, string expected) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AugmentationRangeInvalid, location, problem, expected));

    private static int LargestProperDivisor(int n) => Enumerable.Range(1, System.Math.Max(1, n / 2)).Where(d => n % d == 0).DefaultIfEmpty(1).Max();

}
