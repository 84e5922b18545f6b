using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Prior;

/// <summary>The cosine schedule of 1000 steps for the toy prior.</summary>
[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
public partial class ToyPriorSchedule;

/// <summary>A one-block prior of a 2-D embedding from a 2-D pooled text embedding (the token states left out).</summary>
[DiffusionPrior(EmbeddingDim = 2, Width = 32, Depth = 1, Heads = 2, TextTokens = false)]
[TextConditioning(PooledDim = 2, TokenDim = 1, MaxTokens = 1, DropRate = 0.1)]
[TimestepEmbedding(FrequencyDim = 32)]
public partial class ToyPrior;

/// <summary>DALL-E 2's objective on the toy: the clean embedding, plain squared error.</summary>
[DiffusionModel(typeof(ToyPriorSchedule), typeof(ToyPrior), Predicts = Prediction.CleanSample, Weighting = LossWeighting.CleanSample)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class ToyPriorModel;

/// <summary>A two-block prior over up to 3 text tokens, for the sequence's masks.</summary>
[DiffusionPrior(EmbeddingDim = 3, Width = 16, Depth = 2, Heads = 2)]
[TextConditioning(PooledDim = 4, TokenDim = 5, MaxTokens = 3, DropRate = 0.1)]
[TimestepEmbedding(FrequencyDim = 8)]
public partial class TokenPrior;
