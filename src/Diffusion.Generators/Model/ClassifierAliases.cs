using System.Collections.Generic;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names of a generated [NoisyClassifier] file, declared inside the user's namespace as the model files'
/// (<see cref="ModelAliases"/>); a name the namespace or the class already takes is in <see cref="ClassifierSpec.Shadowed"/>
/// and written in full.
/// </summary>
internal static class ClassifierAliases
{
    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("torch", "global::TorchSharp.torch"),
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Generator", "global::TorchSharp.torch.Generator"),
        new TypeAlias("Module", "global::TorchSharp.torch.nn.Module"),
        new TypeAlias("NoiseSchedule", "global::Diffusion.Runtime.Schedules.NoiseSchedule"),
        new TypeAlias("INoisyClassifier", "global::Diffusion.Runtime.Models.INoisyClassifier"),
        new TypeAlias("ITrainableModel", "global::Diffusion.Runtime.Models.ITrainableModel"),
        new TypeAlias("ModelDescription", "global::Diffusion.Runtime.Models.ModelDescription"),
        new TypeAlias("ScheduleKind", "global::Diffusion.Dsl.ScheduleKind"),
        new TypeAlias("Hyperparameters", "global::System.Collections.Generic.Dictionary<string, double>"),
        new TypeAlias("ReadOnlyHyperparameters", "global::System.Collections.ObjectModel.ReadOnlyDictionary<string, double>"),
        new TypeAlias("ArgumentNullException", "global::System.ArgumentNullException"),
    };
}
