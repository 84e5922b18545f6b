using System.Collections.Generic;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names of the generated files of a [DiffusionModel] (Model, Parameterization, Loss, VariationalBound,
/// Samplers; the two dictionaries hold ModelDescription.Network's entries). As in a generated DiT
/// (<see cref="DiTAliases"/>) they are declared inside the user's namespace, where they win over outer types and
/// usings; a name that a type of that namespace or a member of the declared class already takes is listed in
/// <see cref="ModelSpec.Shadowed"/> and written in full instead.
/// </summary>
internal static class ModelAliases
{
    private const string Models = "global::Diffusion.Runtime.Models.";
    private const string Dsl = "global::Diffusion.Dsl.";
    private const string Cascades = "global::Diffusion.Runtime.Cascades.";

    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("torch", "global::TorchSharp.torch"),
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Generator", "global::TorchSharp.torch.Generator"),
        new TypeAlias("Device", "global::TorchSharp.torch.Device"),
        new TypeAlias("Scalar", "global::TorchSharp.Scalar"),
        new TypeAlias("Module", "global::TorchSharp.torch.nn.Module"),
        new TypeAlias("NoiseSchedule", "global::Diffusion.Runtime.Schedules.NoiseSchedule"),
        new TypeAlias("IDiffusionModel", Models + "IDiffusionModel"),
        new TypeAlias("ITrainableModel", Models + "ITrainableModel"),
        new TypeAlias("ModelDescription", Models + "ModelDescription"),
        new TypeAlias("SampleRequest", Models + "SampleRequest"),
        new TypeAlias("Denoiser", Models + "Denoiser"),
        new TypeAlias("ClassifierGuidance", Models + "ClassifierGuidance"),
        new TypeAlias("IDistillationStudent", Models + "IDistillationStudent"),
        new TypeAlias("DistillationGrid", "global::Diffusion.Runtime.Training.DistillationGrid"),
        new TypeAlias("NetworkCopy", "global::Diffusion.Runtime.Training.NetworkCopy"),
        new TypeAlias("DiffusionDraws", "global::Diffusion.Runtime.Training.DiffusionDraws"),
        new TypeAlias("IDataParallelLoss", "global::Diffusion.Runtime.Training.IDataParallelLoss"),
        new TypeAlias("SamplingLoop", "global::Diffusion.Runtime.Sampling.SamplingLoop"),
        new TypeAlias("CleanSampleThreshold", "global::Diffusion.Runtime.Sampling.CleanSampleThreshold"),
        new TypeAlias("SamplingNoise", "global::Diffusion.Runtime.Sampling.SamplingNoise"),
        new TypeAlias("SampleShard", "global::Diffusion.Runtime.Sampling.SampleShard"),
        new TypeAlias("SamplingSteps", "global::Diffusion.Runtime.Sampling.SamplingSteps"),
        new TypeAlias("TimestepSpacing", "global::Diffusion.Runtime.Scheduling.TimestepSpacing"),
        new TypeAlias("GaussianLikelihood", "global::Diffusion.Runtime.Likelihood.GaussianLikelihood"),
        new TypeAlias("Prediction", Dsl + "Prediction"),
        new TypeAlias("ScheduleKind", Dsl + "ScheduleKind"),
        new TypeAlias("ReverseVariance", Dsl + "ReverseVariance"),
        new TypeAlias("Objective", Dsl + "Objective"),
        new TypeAlias("LossWeighting", Dsl + "LossWeighting"),
        new TypeAlias("SamplerKind", Dsl + "SamplerKind"),
        new TypeAlias("SamplerKindList", "global::System.Collections.Generic.IReadOnlyList<" + Dsl + "SamplerKind>"),
        new TypeAlias("Thresholding", Dsl + "Thresholding"),
        new TypeAlias("OnStep", "global::System.Action<int, global::TorchSharp.torch.Tensor>"),
        new TypeAlias("ArgumentNullException", "global::System.ArgumentNullException"),
        new TypeAlias("ArgumentException", "global::System.ArgumentException"),
        new TypeAlias("Math", "global::System.Math"),
        new TypeAlias("Enumerable", "global::System.Linq.Enumerable"),
        new TypeAlias("ReadOnlyDictionary", "global::System.Collections.ObjectModel.ReadOnlyDictionary<string, double>"),
        new TypeAlias("Dictionary", "global::System.Collections.Generic.Dictionary<string, double>"),
        new TypeAlias("KarrasSigmas", "global::Diffusion.Runtime.Scheduling.KarrasSigmas"),
        new TypeAlias("ConsistencyScalings", "global::Diffusion.Runtime.Scheduling.ConsistencyScalings"),
        new TypeAlias("DenoiserConsistency", "global::Diffusion.Runtime.Scheduling.DenoiserConsistency"),
        new TypeAlias("ConsistencySampler", "global::Diffusion.Runtime.Scheduling.ConsistencySampler"),
        new TypeAlias("ConsistencyFunction", "global::Diffusion.Runtime.Scheduling.ConsistencyFunction"),
        new TypeAlias("LevelTimesteps", "global::Diffusion.Runtime.Scheduling.LevelTimesteps"),
        new TypeAlias("ImprovedConsistencyTraining", "global::Diffusion.Runtime.Training.ImprovedConsistencyTraining"),
        new TypeAlias("IConsistencyModel", Models + "IConsistencyModel"),
        new TypeAlias("ConsistencyLossContext", Models + "ConsistencyLossContext"),
        new TypeAlias("IAutoencoder", Models + "IAutoencoder"),
        new TypeAlias("ILatentDiffusionModel", Models + "ILatentDiffusionModel"),
        new TypeAlias("LatentDiffusionModules", Models + "LatentDiffusionModules"),
        new TypeAlias("DiagonalGaussian", Models + "DiagonalGaussian"),
        new TypeAlias("LatentEncoding", Dsl + "LatentEncoding"),
        new TypeAlias("NoiseAugmentation", Dsl + "NoiseAugmentation"),
        new TypeAlias("ISuperResolutionModel", Cascades + "ISuperResolutionModel"),
        new TypeAlias("AugmentationDraws", Cascades + "AugmentationDraws"),
        new TypeAlias("Resolution", Cascades + "Resolution"),
        new TypeAlias("ConditionedDenoiser", Cascades + "ConditionedDenoiser"),
        new TypeAlias("InvalidOperationException", "global::System.InvalidOperationException"),
        new TypeAlias("TextConditioning", "global::Diffusion.Runtime.Text.TextConditioning"),
        new TypeAlias("ITextDiffusionModel", "global::Diffusion.Runtime.Text.ITextDiffusionModel"),
        new TypeAlias("IDiffusionPrior", "global::Diffusion.Runtime.Text.IDiffusionPrior"),
        new TypeAlias("TextGuidance", "global::Diffusion.Runtime.Text.TextGuidance"),
    };
}
