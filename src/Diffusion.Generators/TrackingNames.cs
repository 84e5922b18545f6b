using System.Collections.Generic;

namespace Diffusion.Generators;

/// <summary>
/// The names of <see cref="DiffusionGenerator"/>'s pipeline steps (<c>WithTrackingName</c>), under which a generator
/// driver created with <c>trackIncrementalGeneratorSteps: true</c> reports each step's outputs and whether they were
/// cached; the incrementality tests look them up by these names. Each network kind's step is named by its row of
/// <see cref="NetworkKinds"/> ("Diffusion.Transformers", "Diffusion.UNets").
/// </summary>
public static class TrackingNames
{
    /// <summary>[NoiseSchedule] classes parsed into schedule specs.</summary>
    public const string Schedules = "Diffusion.Schedules";

    /// <summary>[UNetEncoder] classes parsed into encoder specs.</summary>
    public const string Encoders = "Diffusion.Encoders";

    /// <summary>[NoisyClassifier] classes parsed into classifier specs.</summary>
    public const string Classifiers = "Diffusion.Classifiers";

    /// <summary>[Autoencoder] classes parsed into autoencoder specs.</summary>
    public const string Autoencoders = "Diffusion.Autoencoders";

    /// <summary>[DiffusionModel] classes parsed into model specs.</summary>
    public const string Models = "Diffusion.Models";

    /// <summary>[Cascade] classes parsed into cascade specs.</summary>
    public const string Cascades = "Diffusion.Cascades";

    /// <summary>[DiffusionModel], [NoisyClassifier], [Autoencoder] and [Cascade] classes read as entries of the model catalog.</summary>
    public const string CatalogEntries = "Diffusion.CatalogEntries";

    /// <summary>The model catalog: the entries taken together, with their namespace and their diagnostics.</summary>
    public const string Catalog = "Diffusion.Catalog";

    /// <summary>Every step name, in pipeline order.</summary>
    public static IReadOnlyList<string> All { get; } = InPipelineOrder();

    private static string[] InPipelineOrder()
    {
        var names = new List<string> { Schedules };
        foreach (var kind in NetworkKinds.All) names.Add(kind.TrackingName);
        names.AddRange(new[] { Encoders, Classifiers, Autoencoders, Models, Cascades, CatalogEntries, Catalog });
        return names.ToArray();
    }
}
