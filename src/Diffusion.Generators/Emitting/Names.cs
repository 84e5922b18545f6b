using System.Linq;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting;

/// <summary>The fully qualified names the generated code uses.</summary>
internal static class Names
{
    public const string Torch = "global::TorchSharp.torch";
    public const string Tensor = "global::TorchSharp.torch.Tensor";
    public const string Nn = "global::TorchSharp.torch.nn";
    public const string Init = "global::TorchSharp.torch.nn.init";
    public const string Functional = "global::TorchSharp.torch.nn.functional";
    public const string Modules = "global::TorchSharp.Modules";
    public const string Generator = "global::TorchSharp.torch.Generator";
    public const string Int64 = "global::TorchSharp.torch.ScalarType.Int64";
    public const string Float32 = "global::TorchSharp.torch.ScalarType.Float32";
    public const string NoiseSchedule = "global::Diffusion.Runtime.Schedules.NoiseSchedule";
    public const string RuntimeModels = "global::Diffusion.Runtime.Models";
    public const string RuntimeSampling = "global::Diffusion.Runtime.Sampling";
    public const string Dsl = "global::Diffusion.Dsl";
    public const string Math = "global::System.Math";
}

/// <summary>
/// The names the generated files of one [DiffusionModel] write: the <see cref="ModelAliases"/> they declare, or the
/// <c>global::</c> target where the declaration shadows one, and the network and schedule classes, short when they
/// share the model's namespace.
/// </summary>
internal sealed class ModelNames
{
    private readonly ModelSpec m;

    public ModelNames(ModelSpec m) => this.m = m;

    /// <summary>The name to write for the alias <paramref name="alias"/>.</summary>
    public string this[string alias] =>
        m.Shadowed.Contains(alias) ? ModelAliases.All.First(a => a.Name == alias).Target : alias;

    public string Tensor => this["Tensor"];

    public string Torch => this["torch"];

    public string Network => Declared(m.Network.Type);

    public string Schedule => Declared(m.Schedule.Type);

    /// <summary>Another declared type the files name (a distillation teacher), short where it shares the namespace.</summary>
    public string Type(TypeName type) => Declared(type);

    /// <summary>Declares the aliases named in <paramref name="used"/> (in <see cref="ModelAliases"/> order).</summary>
    public void Declare(CodeWriter w, params string[] used) =>
        w.Aliases(ModelAliases.All.Where(a => used.Contains(a.Name)), m.Shadowed);

    /// <summary>A declared type's name: short when it shares the model's namespace and nothing shadows it.</summary>
    public string Declared(TypeName type) =>
        type.Namespace == m.Type.Namespace && !m.Shadowed.Contains(type.Name) && !GeneratedMembers.Contains(type.Name)
            ? CodeWriter.Identifier(type.Name)
            : type.FullName;

    /// <summary>
    /// Members the generated files declare on the model class: inside it they win over a type of that name. Each
    /// sampler's Sample{Kind} and step come from its row of <see cref="Samplers.SamplerTable"/>.
    /// </summary>
    private static readonly string[] GeneratedMembers = new[]
    {
        "Network", "Schedule", "Samplers", "ClassifierFreeGuidanceScale", "Description", "DefaultGuidanceScale",
        "Denoise", "Sample", "PrepareSampling", "ModelOutput",
        "SamplingDevice", "ClassifierGuidedOutput", "GuidedOutput", "TrainingLoss", "DrawTraining", "LossWeight", "LossWeights",
        "VariationalBoundWeight", "VariationalBoundTerms", "ToNoiseAndCleanSample", "NoiseFromCleanSample",
        "TrainingTarget", "SplitOutput", "LearnedLogVariance",
        "Predict", "TeacherType", "TeacherGuidanceScale", "FromTeacher", "DistillationLoss",
        "SigmaMin", "SigmaMax", "SigmaData", "Rho", "Scalings", "KarrasLevels", "NetworkTimesteps",
        "ConsistencyTrainingLoss", "ConsistencyDistillationLoss", "DistillationLevels", "TeacherCleanSample",
        "Autoencoder", "Encoding", "Modules", "LatentScale", "LatentsFromPosterior", "DecodeLatents", "LatentTrainingLoss",
        "SampleLatents", "FromSize", "ImageSize", "Augmentation", "SamplingLevel", "MinLevel", "MaxLevel", "MinBlurSigma",
        "MaxBlurSigma", "DrawAugmentation", "LowResolutionConditioning", "Conditioning", "SampleFrom",
        "PooledDim", "TokenDim", "MaxTokens", "TextDropRate", "SampleText",
    }.Concat(Samplers.SamplerTable.All.SelectMany(row => new[] { "Sample" + row.Key, row.Value.StepName })).ToArray();
}
