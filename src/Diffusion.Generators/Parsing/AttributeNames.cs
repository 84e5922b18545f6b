namespace Diffusion.Generators.Parsing;

/// <summary>Metadata names of the Diffusion.Dsl attributes.</summary>
internal static class AttributeNames
{
    public const string NoiseSchedule = "Diffusion.Dsl.NoiseScheduleAttribute";
    public const string DiffusionTransformer = "Diffusion.Dsl.DiffusionTransformerAttribute";
    public const string DiffusionModel = "Diffusion.Dsl.DiffusionModelAttribute";
    public const string Patchify = "Diffusion.Dsl.PatchifyAttribute";
    public const string TimestepEmbedding = "Diffusion.Dsl.TimestepEmbeddingAttribute";
    public const string LabelEmbedding = "Diffusion.Dsl.LabelEmbeddingAttribute";
    public const string AdaLnZeroBlocks = "Diffusion.Dsl.AdaLnZeroBlocksAttribute";
    public const string DiTPreset = "Diffusion.Dsl.DiTPresetAttribute";
    public const string Sampler = "Diffusion.Dsl.SamplerAttribute";
    public const string ClassifierFreeGuidance = "Diffusion.Dsl.ClassifierFreeGuidanceAttribute";
    public const string UNet = "Diffusion.Dsl.UNetAttribute";
    public const string UNetEncoder = "Diffusion.Dsl.UNetEncoderAttribute";
    public const string NoisyClassifier = "Diffusion.Dsl.NoisyClassifierAttribute";
    public const string ProgressiveDistillation = "Diffusion.Dsl.ProgressiveDistillationAttribute";
    public const string ConsistencyModel = "Diffusion.Dsl.ConsistencyModelAttribute";
    public const string Autoencoder = "Diffusion.Dsl.AutoencoderAttribute";
    public const string LatentDiffusion = "Diffusion.Dsl.LatentDiffusionAttribute";
    public const string SuperResolution = "Diffusion.Dsl.SuperResolutionAttribute";
    public const string LowResolutionConditioning = "Diffusion.Dsl.LowResolutionConditioningAttribute";
    public const string TextConditioning = "Diffusion.Dsl.TextConditioningAttribute";
    public const string Cascade = "Diffusion.Dsl.CascadeAttribute";
    public const string DiffusionPrior = "Diffusion.Dsl.DiffusionPriorAttribute";

    /// <summary>
    /// The declaration attributes, in the order that decides which pipeline reports a conflict between them: the
    /// schedule, every network kind of <see cref="NetworkKinds"/>, the encoder, the model, the classifier, the autoencoder, the cascade.
    /// </summary>
    public static readonly string[] Declarations = InConflictOrder();

    private static string[] InConflictOrder()
    {
        var names = new System.Collections.Generic.List<string> { NoiseSchedule };
        foreach (var kind in NetworkKinds.All) names.Add(kind.Attribute);
        names.AddRange(new[] { UNetEncoder, DiffusionModel, NoisyClassifier, Autoencoder, Cascade });
        return names.ToArray();
    }

    /// <summary>"NoiseSchedule" for "Diffusion.Dsl.NoiseScheduleAttribute".</summary>
    public static string Short(string metadataName)
    {
        var name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }
}
