using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// MnistDit with text in the label's place: the frozen MiniLM's pooled caption embedding (384) added to c, and in
/// every block a cross-attention over the caption's token states (at most 32), as PixArt-alpha places it; captions
/// dropped to the learned null embedding 10% of the time for classifier-free guidance over text.
/// </summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, CrossAttention = true, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistTextDit;

/// <summary>
/// The text-to-digit model: trains on the captions the caption command writes (data/mnist/train/captions.tsv), samples
/// from prompts with guidance over text (w = 4, as the class-conditional reference) and dynamic thresholding.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistTextDit), Predicts = Prediction.Noise, CommandName = "dit-text")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistTextDiffusion;
