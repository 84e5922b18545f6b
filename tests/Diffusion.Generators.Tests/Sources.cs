namespace Diffusion.Generators.Tests;

/// <summary>Declarations the tests feed the generator.</summary>
internal static class Sources
{
    /// <summary>
    /// The MNIST example's own declaration file (examples/MnistDit/MnistDiffusion.cs), read from the source tree so the
    /// snapshots pin exactly what the example compiles: a class-conditional DiT with DDPM, DDIM and classifier-free guidance.
    /// </summary>
    public static string Mnist { get; } = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistDiffusion.cs"));

    /// <summary>
    /// The MNIST example's U-Net declarations (examples/MnistDit/MnistUNet.cs; they use <see cref="Mnist"/>'s schedule):
    /// a class-conditional U-Net diffusion model and the noisy classifier that guides it.
    /// </summary>
    public static string MnistUNet { get; } = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistUNet.cs"));

    /// <summary>The MNIST example's autoencoder, read from examples/MnistDit/MnistAutoencoder.cs.</summary>
    public static string MnistAutoencoder { get; } = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistAutoencoder.cs"));

    /// <summary>
    /// The MNIST example's latent diffusion model and its DiT (examples/MnistDit/MnistLatentDiffusion.cs), with the
    /// autoencoder it names and the example's schedule (as MnistDiffusion.cs declares it), and nothing else.
    /// </summary>
    public static string[] MnistLatent { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistLatentDiffusion.cs")),
        MnistAutoencoder,
        """
        using Diffusion.Dsl;

        namespace Examples.Mnist;

        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MnistSchedule;
        """,
    ];

    /// <summary>
    /// The MNIST example's latent consistency model (examples/MnistDit/MnistLatentFewStep.cs), distilled from the
    /// latent DiT of <see cref="MnistLatent"/>, with everything that names.
    /// </summary>
    public static string[] MnistLatentConsistency { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistLatentFewStep.cs")),
        .. MnistLatent,
    ];

    /// <summary>
    /// The MNIST example's latent text-to-digit model (examples/MnistDit/MnistLatentText.cs): the latent DiT with the
    /// frozen MiniLM's embeddings in the label's place, on the autoencoder's latents, with everything that names.
    /// </summary>
    public static string[] MnistLatentText { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistLatentText.cs")),
        .. MnistLatent,
    ];

    /// <summary>
    /// The MNIST example's cascade from text (examples/MnistDit/MnistTextCascade.cs): a 14x14 DiT conditioned on text, a
    /// 28x28 upsampler taking no labels and the cascade of the two, with the example's schedule.
    /// </summary>
    public static string[] MnistTextCascade { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistTextCascade.cs")),
        """
        using Diffusion.Dsl;

        namespace Examples.Mnist;

        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MnistSchedule;
        """,
    ];

    /// <summary>
    /// The MNIST example's cascade (examples/MnistDit/MnistCascade.cs): a 14x14 base DiT, a 28x28 super-resolution DiT
    /// stage with Gaussian noise conditioning augmentation and the cascade of the two, with the example's schedule.
    /// </summary>
    public static string[] MnistCascade { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistCascade.cs")),
        """
        using Diffusion.Dsl;

        namespace Examples.Mnist;

        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MnistSchedule;
        """,
    ];

    /// <summary>
    /// The MNIST example's text-to-digit model (examples/MnistDit/MnistTextDiffusion.cs): MnistDit's DiT with the frozen
    /// MiniLM's pooled embedding and per-block cross-attention over its token states, with the example's schedule.
    /// </summary>
    public static string[] MnistText { get; } =
    [
        System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistTextDiffusion.cs")),
        """
        using Diffusion.Dsl;

        namespace Examples.Mnist;

        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MnistSchedule;
        """,
    ];

    /// <summary>
    /// An unconditional super-resolution stage with blur augmentation (Ho et al. 2021, Sec. 4.2) and one without
    /// augmentation, each 8x8 -> 16x16 x 3 after an unconditional 8x8 base, and their cascades.
    /// </summary>
    public const string BlurAndPlainCascades = """
        using Diffusion.Dsl;

        namespace Examples.Cascades;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 100)]
        public partial class SmallSchedule;

        [DiffusionTransformer(InputSize = 8, InChannels = 3)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class BaseNet;

        [DiffusionModel(typeof(SmallSchedule), typeof(BaseNet))]
        [Sampler(SamplerKind.Ddim)]
        public partial class Base8;

        [DiffusionTransformer(InputSize = 16, InChannels = 3)]
        [LowResolutionConditioning(Channels = 3)]
        [Patchify(PatchSize = 4, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class UpNet;

        [DiffusionModel(typeof(SmallSchedule), typeof(UpNet), Predicts = Prediction.Velocity)]
        [SuperResolution(FromSize = 8, Augmentation = NoiseAugmentation.Blur, MinBlurSigma = 0.4, MaxBlurSigma = 0.6, SamplingLevel = 0.5)]
        [Sampler(SamplerKind.Ddim)]
        public partial class BlurUp16;

        [DiffusionTransformer(InputSize = 16, InChannels = 3)]
        [LowResolutionConditioning(Channels = 3)]
        [Patchify(PatchSize = 4, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class PlainNet;

        [DiffusionModel(typeof(SmallSchedule), typeof(PlainNet))]
        [SuperResolution(FromSize = 8, Augmentation = NoiseAugmentation.None)]
        [Sampler(SamplerKind.Ddim)]
        public partial class PlainUp16;

        [Cascade(typeof(Base8), typeof(BlurUp16))]
        public partial class BlurCascade;

        [Cascade(typeof(Base8), typeof(PlainUp16), CommandName = "plain")]
        public partial class PlainCascade;
        """;

    /// <summary>
    /// An unconditional two-level U-Net on 16 x 16 x 3 with DDPM's additive timestep embedding, two residual blocks per
    /// level, attention at 8x8 and a learned variance, predicting velocity; and a one-level encoder classifier.
    /// </summary>
    public const string UNetVariants = """
        using Diffusion.Dsl;

        namespace Examples.UNets;

        /// <summary>The linear DDPM schedule.</summary>
        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class UNetSchedule;

        /// <summary>A two-level U-Net.</summary>
        [UNet(InputSize = 16, InChannels = 3, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 2,
              AttentionResolutions = new[] { 8 }, Heads = 2, ScaleShiftNorm = false, NormGroups = 16, LearnSigma = true)]
        public partial class SmallUNet;

        /// <summary>The model.</summary>
        [DiffusionModel(typeof(UNetSchedule), typeof(SmallUNet), Predicts = Prediction.Velocity,
            Variance = ReverseVariance.Learned, Objective = Objective.Hybrid)]
        [Sampler(SamplerKind.Ddpm)]
        [Sampler(SamplerKind.Ddim)]
        public partial class SmallUNetDiffusion;

        /// <summary>A one-level encoder: no downsampling, the middle at 16x16.</summary>
        [UNetEncoder(InputSize = 16, InChannels = 3, Outputs = 4, BaseChannels = 16, ChannelMultipliers = new[] { 1 }, ResBlocks = 1, NormGroups = 4, Heads = 1)]
        public partial class TinyEncoder;

        /// <summary>Its noisy classifier.</summary>
        [NoisyClassifier(typeof(UNetSchedule), typeof(TinyEncoder))]
        public partial class TinyClassifier;
        """;

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", ".."));

    /// <summary>
    /// Text conditioning (Saharia et al. 2022, Sec. 2) on two DiTs: one with cross-attention over the token states and
    /// classifier-free guidance, one with the pooled embedding alone, a learned variance and the hybrid objective.
    /// </summary>
    /// <summary>
    /// U-Nets conditioned on a pooled text embedding (Imagen's way into the timestep embedding), one also cross-attending
    /// over the token states.
    /// </summary>
    public const string TextUNet = """
        using Diffusion.Dsl;

        namespace Examples.Text;

        /// <summary>The cosine schedule.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class UNetTextSchedule;

        /// <summary>A small U-Net taking MiniLM's pooled caption embedding.</summary>
        [UNet(InputSize = 16, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 8 })]
        [TextConditioning(PooledDim = 384, TokenDim = 384, DropRate = 0.1)]
        public partial class CaptionUNet;

        /// <summary>The text-to-image U-Net model with guidance.</summary>
        [DiffusionModel(typeof(UNetTextSchedule), typeof(CaptionUNet))]
        [ClassifierFreeGuidance(Scale = 3.0)]
        [Sampler(SamplerKind.Ddim)]
        public partial class CaptionUNetDiffusion;

        /// <summary>The same U-Net also cross-attending over MiniLM's token states after each attention block.</summary>
        [UNet(InputSize = 16, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 8 })]
        [TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 16, CrossAttention = true, DropRate = 0.1)]
        public partial class TokenUNet;

        /// <summary>The cross-attending U-Net's model.</summary>
        [DiffusionModel(typeof(UNetTextSchedule), typeof(TokenUNet))]
        [ClassifierFreeGuidance(Scale = 3.0)]
        [Sampler(SamplerKind.Ddim)]
        public partial class TokenUNetDiffusion;
        """;

    public const string TextConditioned = """
        using Diffusion.Dsl;

        namespace Examples.Text;

        /// <summary>The cosine schedule.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class TextSchedule;

        /// <summary>A DiT that cross-attends over MiniLM's token states.</summary>
        [DiffusionTransformer(InputSize = 28, InChannels = 1)]
        [TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, CrossAttention = true, DropRate = 0.1)]
        [Patchify(PatchSize = 4, Width = 192)]
        [AdaLnZeroBlocks(Depth = 6, Heads = 3)]
        public partial class CaptionDit;

        /// <summary>The text-to-image model with guidance.</summary>
        [DiffusionModel(typeof(TextSchedule), typeof(CaptionDit), Predicts = Prediction.Noise)]
        [ClassifierFreeGuidance(Scale = 3.0)]
        [Sampler(SamplerKind.Ddpm)]
        [Sampler(SamplerKind.Ddim)]
        public partial class CaptionDiffusion;

        /// <summary>A DiT conditioned on the pooled embedding alone.</summary>
        [DiffusionTransformer(InputSize = 16, InChannels = 3, LearnSigma = true)]
        [TextConditioning(PooledDim = 8, TokenDim = 4, MaxTokens = 5, DropRate = 0.2)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 2, Heads = 2)]
        public partial class PooledDit;

        /// <summary>A learned variance trained with the hybrid objective, without declared guidance.</summary>
        [DiffusionModel(typeof(TextSchedule), typeof(PooledDit), Variance = ReverseVariance.Learned, Objective = Objective.Hybrid)]
        [Sampler(SamplerKind.Ddim)]
        public partial class PooledDiffusion;
        """;

    /// <summary>An unconditional DiT-S/2 on 32 x 32 x 4 latents with a linear schedule.</summary>
    public const string LatentDitS2 = """
        using Diffusion.Dsl;

        namespace Examples.Latent;

        /// <summary>The linear DDPM schedule.</summary>
        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class LatentSchedule;

        /// <summary>DiT-S/2 on Stable Diffusion latents.</summary>
        [DiffusionTransformer(InputSize = 32, InChannels = 4)]
        [DiTPreset(DiTSize.S, PatchSize = 2)]
        public partial class LatentDit;

        /// <summary>The unconditional latent diffusion model.</summary>
        [DiffusionModel(typeof(LatentSchedule), typeof(LatentDit))]
        [Sampler(SamplerKind.Ddim)]
        public partial class LatentDiffusion;
        """;

    /// <summary>
    /// Velocity prediction with a learned variance and the hybrid objective weighted by min-SNR-5, on a scaled-linear
    /// schedule rescaled to a zero terminal SNR; class-conditional with classifier-free guidance.
    /// </summary>
    public const string VelocityLearned = """
        using Diffusion.Dsl;

        namespace Examples.Velocity;

        /// <summary>Latent diffusion's schedule with abar_T = 0.</summary>
        [NoiseSchedule(ScheduleKind.ScaledLinear, Timesteps = 1000, ZeroTerminalSnr = true)]
        public partial class VelocitySchedule;

        /// <summary>A small DiT that also outputs its variance values.</summary>
        [DiffusionTransformer(InputSize = 16, InChannels = 3, LearnSigma = true)]
        [Patchify(PatchSize = 2, Width = 64)]
        [LabelEmbedding(Classes = 4, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 2, Heads = 4)]
        public partial class VelocityDit;

        /// <summary>The model.</summary>
        [DiffusionModel(typeof(VelocitySchedule), typeof(VelocityDit), Predicts = Prediction.Velocity,
            Variance = ReverseVariance.Learned, Objective = Objective.Hybrid, Weighting = LossWeighting.MinSnr, MinSnrGamma = 5.0)]
        [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 3.0)]
        public partial class VelocityDiffusion;
        """;

    /// <summary>Clean-sample prediction with the fixed large variance, trained on the variational bound itself.</summary>
    public const string CleanSampleBound = """
        using Diffusion.Dsl;

        namespace Examples.Bound;

        /// <summary>The linear DDPM schedule.</summary>
        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class BoundSchedule;

        /// <summary>A small unconditional DiT.</summary>
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class BoundDit;

        /// <summary>The model.</summary>
        [DiffusionModel(typeof(BoundSchedule), typeof(BoundDit), Predicts = Prediction.CleanSample,
            Variance = ReverseVariance.FixedLarge, Objective = Objective.VariationalBound)]
        [Sampler(SamplerKind.Ddpm)]
        public partial class BoundDiffusion;
        """;

    /// <summary>
    /// Posterior-mean prediction (improved-diffusion's "previous x") with a learned variance and the hybrid objective
    /// weighted by min-SNR-5, on the cosine schedule; class-conditional with classifier-free guidance and both samplers,
    /// so every caller of the hub passes the one-step posterior's coefficients.
    /// </summary>
    public const string MeanLearned = """
        using Diffusion.Dsl;

        namespace Examples.Mean;

        /// <summary>The cosine schedule.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MeanSchedule;

        /// <summary>A small DiT that also outputs its variance values.</summary>
        [DiffusionTransformer(InputSize = 8, InChannels = 1, LearnSigma = true)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 3, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class MeanDit;

        /// <summary>The model.</summary>
        [DiffusionModel(typeof(MeanSchedule), typeof(MeanDit), Predicts = Prediction.Mean,
            Variance = ReverseVariance.Learned, Objective = Objective.Hybrid, Weighting = LossWeighting.MinSnr)]
        [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 2.0)]
        public partial class MeanDiffusion;
        """;

    /// <summary>
    /// A guided velocity teacher and its progressive-distillation student on the same DiT and schedule: the student
    /// bakes the teacher's declared guidance (w = 4) in.
    /// </summary>
    public const string Distillation = """
        using Diffusion.Dsl;

        namespace Examples.Distilled;

        /// <summary>The cosine schedule.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class DistilledSchedule;

        /// <summary>A small class-conditional DiT.</summary>
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 10, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class DistilledDit;

        /// <summary>The teacher: velocity prediction, DDIM, guided.</summary>
        [DiffusionModel(typeof(DistilledSchedule), typeof(DistilledDit), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 4.0)]
        public partial class VelocityTeacher;

        /// <summary>The student: two of the teacher's guided DDIM steps in one.</summary>
        [DiffusionModel(typeof(DistilledSchedule), typeof(DistilledDit), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddim)]
        [ProgressiveDistillation(typeof(VelocityTeacher))]
        public partial class DistilledStudent;
        """;

    /// <summary>
    /// Consistency models on one class-conditional DiT: a guided noise-predicting teacher with DDIM, a student distilled
    /// from it (velocity, DDIM and consistency sampling) and a model trained from data (clean sample, consistency only).
    /// </summary>
    public const string Consistency = """
        using Diffusion.Dsl;

        namespace Examples.Consistency;

        /// <summary>The cosine schedule (s_0 is about 0.0064).</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class CmSchedule;

        /// <summary>A small class-conditional DiT.</summary>
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 10, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class CmDit;

        /// <summary>The teacher.</summary>
        [DiffusionModel(typeof(CmSchedule), typeof(CmDit))]
        [Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 4.0)]
        public partial class CmTeacher;

        /// <summary>Distilled from the teacher.</summary>
        [DiffusionModel(typeof(CmSchedule), typeof(CmDit), Predicts = Prediction.Velocity, Weighting = LossWeighting.Velocity)]
        [Sampler(SamplerKind.Ddim), Sampler(SamplerKind.Consistency)]
        [ConsistencyModel(SigmaMin = 0.0064, SigmaMax = 80, Teacher = typeof(CmTeacher))]
        public partial class CmDistilled;

        /// <summary>Trained from data.</summary>
        [DiffusionModel(typeof(CmSchedule), typeof(CmDit), Predicts = Prediction.CleanSample,
            Weighting = LossWeighting.CleanSample)]
        [Sampler(SamplerKind.Consistency)]
        [ConsistencyModel]
        public partial class CmTrained;
        """;
}
