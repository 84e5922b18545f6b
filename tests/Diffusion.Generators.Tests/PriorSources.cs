namespace Diffusion.Generators.Tests;

/// <summary>Example declarations of unCLIP's diffusion prior (Ramesh et al. 2022, Sec. 2.1).</summary>
internal static class PriorSources
{
    /// <summary>
    /// DALL-E 2's prior over MiniLM's token states with guidance and both samplers, and a pooled-only prior of a
    /// 2-D embedding with a learned variance trained by the hybrid objective.
    /// </summary>
    public const string Unclip = """
        using Diffusion.Dsl;

        namespace Examples.Unclip;

        /// <summary>The cosine schedule.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class PriorSchedule;

        /// <summary>A prior over MiniLM's pooled embedding and token states.</summary>
        [DiffusionPrior(EmbeddingDim = 384, Width = 256, Depth = 4, Heads = 4)]
        [TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, DropRate = 0.1)]
        [TimestepEmbedding(FrequencyDim = 128)]
        public partial class DigitPrior;

        /// <summary>DALL-E 2's objective: the clean embedding, plain squared error.</summary>
        [DiffusionModel(typeof(PriorSchedule), typeof(DigitPrior), Predicts = Prediction.CleanSample, Weighting = LossWeighting.CleanSample)]
        [ClassifierFreeGuidance(Scale = 2.0)]
        [Sampler(SamplerKind.Ddpm)]
        [Sampler(SamplerKind.Ddim)]
        public partial class DigitPriorDiffusion;

        /// <summary>A prior of a 2-D embedding conditioned on the pooled embedding alone.</summary>
        [DiffusionPrior(EmbeddingDim = 2, Width = 32, Depth = 1, Heads = 2, TextTokens = false, LearnSigma = true)]
        [TextConditioning(PooledDim = 2, TokenDim = 1, MaxTokens = 1, DropRate = 0.1)]
        public partial class PooledPrior;

        /// <summary>A learned variance trained with the hybrid objective.</summary>
        [DiffusionModel(typeof(PriorSchedule), typeof(PooledPrior), Predicts = Prediction.CleanSample,
            Variance = ReverseVariance.Learned, Objective = Objective.Hybrid)]
        [Sampler(SamplerKind.Ddim)]
        public partial class PooledPriorDiffusion;
        """;
}
