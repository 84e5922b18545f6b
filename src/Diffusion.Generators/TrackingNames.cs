namespace Diffusion.Generators;

/// <summary>
/// The names of <see cref="DiffusionGenerator"/>'s pipeline steps (<c>WithTrackingName</c>), under which a generator
/// driver created with <c>trackIncrementalGeneratorSteps: true</c> reports each step's outputs and whether they were
/// cached; the incrementality tests look them up by these names.
/// </summary>
public static class TrackingNames
{
    /// <summary>[NoiseSchedule] classes parsed into schedule specs.</summary>
    public const string Schedules = "Diffusion.Schedules";

    /// <summary>[DiffusionTransformer] classes parsed into network specs.</summary>
    public const string Networks = "Diffusion.Networks";

    /// <summary>[UNet] classes parsed into U-Net specs.</summary>
    public const string UNets = "Diffusion.UNets";

    /// <summary>[UNetEncoder] classes parsed into encoder specs.</summary>
    public const string Encoders = "Diffusion.Encoders";

    /// <summary>[NoisyClassifier] classes parsed into classifier specs.</summary>
    public const string Classifiers = "Diffusion.Classifiers";

    /// <summary>[DiffusionModel] classes parsed into model specs.</summary>
    public const string Models = "Diffusion.Models";

    /// <summary>Every step name, in pipeline order.</summary>
    public static System.Collections.Generic.IReadOnlyList<string> All { get; } = new[] { Schedules, Networks, UNets, Encoders, Classifiers, Models };
}
