using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Diagnostics;

/// <summary>Every diagnostic the Diffusion.Dsl generator reports. The IDs are stable; messages say how to fix.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Diffusion.Dsl";

    /// <summary>
    /// The page with one section per ID (anchors #ddsl001 ...): the project's planned public home, the same repository
    /// as RepositoryUrl in Directory.Build.props, so a help link from an installed package opens the page.
    /// </summary>
    private const string HelpLinkBase = "https://github.com/diffusion-dsl/diffusion-dsl/blob/main/docs/diagnostics.md";

    /// <summary>DDSL001: the patch size must divide the input size.</summary>
    public static readonly DiagnosticDescriptor PatchSizeDoesNotDivideInput = Error(
        "DDSL001",
        "Patch size does not divide the input size",
        "PatchSize = {0} does not divide InputSize = {1}; choose a patch size that divides it (for example {2})");

    /// <summary>DDSL002: attention heads must divide the width.</summary>
    public static readonly DiagnosticDescriptor WidthNotDivisibleByHeads = Error(
        "DDSL002",
        "Width is not divisible by the number of heads",
        "Width = {0} is not divisible by Heads = {1}; choose heads that divide the width (for example {2})");

    /// <summary>DDSL003: a size, count or rate is out of range.</summary>
    public static readonly DiagnosticDescriptor ValueOutOfRange = Error(
        "DDSL003",
        "Value out of range",
        "{0} = {1} is out of range; use {2}");

    /// <summary>DDSL004: the label drop rate must lie in [0, 1).</summary>
    public static readonly DiagnosticDescriptor DropRateOutOfRange = Error(
        "DDSL004",
        "Label drop rate outside [0, 1)",
        "DropRate = {0} is outside [0, 1); use the probability of training with the null label, 0.1 to 0.2 is usual");

    /// <summary>DDSL005: guidance needs labels.</summary>
    public static readonly DiagnosticDescriptor GuidanceWithoutLabels = Error(
        "DDSL005",
        "Classifier-free guidance on an unconditional network",
        "[ClassifierFreeGuidance] needs a class-conditional network, but '{0}' has no [LabelEmbedding]; add [LabelEmbedding(Classes = ...)] to '{0}' or remove [ClassifierFreeGuidance]");

    /// <summary>DDSL006: the schedule type is not a [NoiseSchedule] class.</summary>
    public static readonly DiagnosticDescriptor ScheduleTypeInvalid = Error(
        "DDSL006",
        "The model's schedule is not a [NoiseSchedule] class",
        "'{0}' is not a [NoiseSchedule] class; pass typeof of a class declared with [NoiseSchedule(ScheduleKind....)]");

    /// <summary>DDSL007: the network type is not a class of the architecture the declaration needs.</summary>
    public static readonly DiagnosticDescriptor NetworkTypeInvalid = Error(
        "DDSL007",
        "The declared network is not a network class of the right kind",
        "'{0}' is not {1} class; pass typeof of a class declared with {2}");

    /// <summary>DDSL008: two declarations contradict each other.</summary>
    public static readonly DiagnosticDescriptor ConflictingDeclarations = Error(
        "DDSL008",
        "Conflicting declarations",
        "{0} conflicts with {1}; {2}");

    /// <summary>DDSL009: the declared type has the wrong shape.</summary>
    public static readonly DiagnosticDescriptor TypeShapeInvalid = Error(
        "DDSL009",
        "Declared type must be a non-nested, non-generic partial class",
        "'{0}' {1}; declare it as a top-level, non-generic, non-static, non-abstract 'partial class'");

    /// <summary>DDSL010: the 2-D sine-cosine position embedding needs the width divisible by 4.</summary>
    public static readonly DiagnosticDescriptor WidthNotDivisibleByFour = Error(
        "DDSL010",
        "Width not divisible by 4",
        "Width = {0} is not divisible by 4, which the 2-D sine-cosine position embedding needs (sin and cos of rows and columns); use for example {1}");

    /// <summary>DDSL011: the DiT misses a part.</summary>
    public static readonly DiagnosticDescriptor MissingPart = Error(
        "DDSL011",
        "Diffusion Transformer misses a part",
        "'{0}' declares no {1}; add [{1}(...)] or a reference size with [DiTPreset(DiTSize.S)]");

    /// <summary>DDSL012: the timestep frequency dimension must be even.</summary>
    public static readonly DiagnosticDescriptor FrequencyDimOdd = Error(
        "DDSL012",
        "Timestep frequency dimension is odd",
        "FrequencyDim = {0} is odd; use an even number (half cosines, half sines), for example {1}");

    /// <summary>DDSL013: guidance with drop rate 0 never trains the null label.</summary>
    public static readonly DiagnosticDescriptor GuidanceWithZeroDropRate = new(
        "DDSL013",
        "Classifier-free guidance with label drop rate 0",
        "[ClassifierFreeGuidance] is declared but '{0}' has DropRate = 0, so the null label is never trained and the unconditional pass is noise; set [LabelEmbedding(DropRate = 0.1)]",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("DDSL013"));

    /// <summary>DDSL014: a model without samplers cannot sample.</summary>
    public static readonly DiagnosticDescriptor NoSampler = Error(
        "DDSL014",
        "Diffusion model declares no sampler",
        "'{0}' declares no [Sampler]; add [Sampler(SamplerKind.Ddim)] or [Sampler(SamplerKind.Ddpm)]");

    /// <summary>DDSL015: a learned variance needs the network's variance output, and only it has one.</summary>
    public static readonly DiagnosticDescriptor VarianceOutputMismatch = Error(
        "DDSL015",
        "Reverse variance does not match the network's output",
        "{0}; {1}");

    /// <summary>DDSL016: the objective must train what is learned, and only that.</summary>
    public static readonly DiagnosticDescriptor ObjectiveDoesNotFitVariance = Error(
        "DDSL016",
        "The objective cannot train this variance",
        "{0}; {1}");

    /// <summary>DDSL017: the weighting over the prediction's own error weight must stay finite as SNR -> 0.</summary>
    public static readonly DiagnosticDescriptor WeightingUnboundedForPrediction = Error(
        "DDSL017",
        "Loss weighting is unbounded for this prediction",
        "Weighting = LossWeighting.{0} on a network that predicts {1} multiplies its squared error by {2}, which grows without bound as SNR(t) -> 0 at the noisy end of the schedule; predict Prediction.Velocity or Prediction.CleanSample (Salimans and Ho 2022), or weight by LossWeighting.Noise or LossWeighting.MinSnr");

    /// <summary>DDSL018: with abar_T = 0, x0_hat from a noise or score prediction divides by zero.</summary>
    public static readonly DiagnosticDescriptor PredictionUndefinedAtZeroTerminalSnr = Error(
        "DDSL018",
        "Prediction undefined at a zero terminal SNR",
        "Predicts = Prediction.{0} with '{1}' (ZeroTerminalSnr = true): x0_hat = {2} divides by sqrt(abar_T) = 0 at t = T; predict Prediction.Velocity (Lin et al. 2024) or Prediction.CleanSample, or remove ZeroTerminalSnr");

    /// <summary>DDSL019: every level of a U-Net halves the resolution exactly.</summary>
    public static readonly DiagnosticDescriptor PyramidCannotHalve = Error(
        "DDSL019",
        "The U-Net pyramid cannot halve the input size",
        "InputSize = {0} cannot be halved {1} times for {2} levels (ChannelMultipliers has {2} entries); use an input size divisible by {3} (such as {4}) or fewer levels");

    /// <summary>DDSL020: self-attention only at resolutions the pyramid has.</summary>
    public static readonly DiagnosticDescriptor AttentionResolutionNotInPyramid = Error(
        "DDSL020",
        "Attention resolution is not a level of the U-Net",
        "AttentionResolutions has {0}, which is not a resolution of this U-Net (its levels are {1}); use one of them");

    /// <summary>DDSL021: GroupNorm needs the groups to divide the channels.</summary>
    public static readonly DiagnosticDescriptor ChannelsNotDivisibleByGroups = Error(
        "DDSL021",
        "Channels are not divisible by the normalisation groups",
        "Level {0} has {1} channels (BaseChannels {2} x multiplier {3}), not divisible by NormGroups = {4}; choose NormGroups dividing every level's channels (for example {5}) or change BaseChannels");

    /// <summary>DDSL022: attention heads must divide the channels where attention runs.</summary>
    public static readonly DiagnosticDescriptor ChannelsNotDivisibleByHeads = Error(
        "DDSL022",
        "Channels are not divisible by the attention heads",
        "Attention at resolution {0} runs on {1} channels, not divisible by Heads = {2}; choose heads that divide it (for example {3})");

    /// <summary>DDSL023: the command line finds a model by its class name or CommandName, so each names one model.</summary>
    public static readonly DiagnosticDescriptor DuplicateModelName = Error(
        "DDSL023",
        "Two declared models answer to the same name",
        "'{0}' names both {1} and {2} (--model ignores case); {3}");

    /// <summary>DDSL024: a command takes its kind's default when no --model is given, so there is at most one.</summary>
    public static readonly DiagnosticDescriptor SecondDefaultModel = Error(
        "DDSL024",
        "Two declared models are both the default",
        "{0} and {1} are both the default {2}; keep IsDefault = true on one of them");

    /// <summary>DDSL030: a student learns from a declared diffusion model other than itself.</summary>
    public static readonly DiagnosticDescriptor TeacherNotADiffusionModel = Error(
        "DDSL030",
        "The distillation teacher is not a declared diffusion model",
        "'{0}' {1}; pass typeof of another class declared with [DiffusionModel(...)] and [Sampler(SamplerKind.Ddim)]");

    /// <summary>DDSL031: the student learns two steps of the teacher's deterministic sampler, so the teacher needs one.</summary>
    public static readonly DiagnosticDescriptor TeacherWithoutDdim = Error(
        "DDSL031",
        "The distillation teacher has no deterministic sampler",
        "'{0}' declares no [Sampler(SamplerKind.Ddim)], and the student learns two of its DDIM steps (eta = 0) in one (Salimans and Ho 2022, Algorithm 2); add [Sampler(SamplerKind.Ddim)] to '{0}'");

    /// <summary>DDSL032: a few-step student predicts velocity or the clean sample, not the noise.</summary>
    public static readonly DiagnosticDescriptor StudentPredictsNoise = Error(
        "DDSL032",
        "A distillation student cannot predict this quantity",
        "A distillation student predicting Prediction.{0} takes few steps from x_t that carry almost no signal about x_0 at high noise, where x0_hat = (x_t - sigma eps) / alpha amplifies the prediction's errors by 1 / alpha (Salimans and Ho 2022, Sec. 4); set Predicts = Prediction.Velocity or Prediction.CleanSample");

    /// <summary>DDSL033: the student starts from the teacher's weights and learns targets on the teacher's schedule.</summary>
    public static readonly DiagnosticDescriptor StudentDiffersFromTeacher = Error(
        "DDSL033",
        "The distillation student's schedule or network differs from the teacher's",
        "The student's {0} is '{1}' but the teacher '{2}' has '{3}'; {4}, so pass typeof({3})");

    /// <summary>DDSL034: a guided teacher runs the null-label pass, which needs labels and [ClassifierFreeGuidance].</summary>
    public static readonly DiagnosticDescriptor DistillationGuidanceWithoutTeacherGuidance = Error(
        "DDSL034",
        "Distillation guidance on a teacher without classifier-free guidance",
        "Guidance = {0} runs the teacher '{1}' with classifier-free guidance, but {2}; set Guidance = 1 (one conditional pass)");

    /// <summary>DDSL035: the student is sampled by DDIM on the grid its rounds trained on.</summary>
    public static readonly DiagnosticDescriptor StudentWithoutDdim = Error(
        "DDSL035",
        "The distillation student has no deterministic sampler",
        "The student '{0}' declares no [Sampler(SamplerKind.Ddim)], but it learns deterministic DDIM steps and is sampled by them on the grid its rounds trained on; add [Sampler(SamplerKind.Ddim)]");

    /// <summary>DDSL040: a consistency model's noise range must be 0 &lt; s_min &lt; s_max.</summary>
    public static readonly DiagnosticDescriptor ConsistencyNoiseRangeEmpty = Error(
        "DDSL040",
        "Consistency model noise range is empty",
        "SigmaMin = {0} and SigmaMax = {1} leave no noise range; use finite levels with 0 < SigmaMin < SigmaMax (Song et al. 2023: 0.002 and 80)");

    /// <summary>DDSL041: sigma_data and rho of a consistency model are positive.</summary>
    public static readonly DiagnosticDescriptor ConsistencyParameterNotPositive = Error(
        "DDSL041",
        "Consistency model parameter is not positive",
        "{0} = {1} must be a finite number above 0; {2}");

    /// <summary>DDSL042: a consistency model's teacher is a declared diffusion model.</summary>
    public static readonly DiagnosticDescriptor TeacherNotDiffusionModel = Error(
        "DDSL042",
        "Consistency teacher is not a declared diffusion model",
        "Teacher '{0}' is not a [DiffusionModel] class; name the declared diffusion model to distill, or remove Teacher to train from data");

    /// <summary>DDSL043: consistency distillation takes the teacher's deterministic DDIM step.</summary>
    public static readonly DiagnosticDescriptor TeacherWithoutDeterministicSampler = Error(
        "DDSL043",
        "Consistency teacher has no deterministic sampler",
        "Teacher '{0}' declares no [Sampler(SamplerKind.Ddim)]; consistency distillation takes one deterministic DDIM step of the teacher per pair of levels: add it to '{0}'");

    /// <summary>
    /// DDSL044: a student starts from its teacher's weights, so it shares its schedule, network type and (latent
    /// diffusion) autoencoder.
    /// </summary>
    public static readonly DiagnosticDescriptor TeacherDoesNotMatch = Error(
        "DDSL044",
        "Consistency teacher has another schedule, network or autoencoder",
        "Teacher '{0}' has the {1} '{2}' but this model has '{3}'; a student uses its teacher's schedule, network type and autoencoder, so it can start from the teacher's weights");

    /// <summary>DDSL045: the consistency sampler needs the consistency function.</summary>
    public static readonly DiagnosticDescriptor ConsistencySamplerWithoutModel = Error(
        "DDSL045",
        "Consistency sampler without a consistency model",
        "[Sampler(SamplerKind.Consistency)] needs [ConsistencyModel] on '{0}', which defines the consistency function it samples with; add [ConsistencyModel] or choose another sampler");

    /// <summary>DDSL046: a consistency model reads its network (and its teacher's) between the training timesteps.</summary>
    public static readonly DiagnosticDescriptor ConsistencyReadsPosteriorMean = Error(
        "DDSL046",
        "A consistency model cannot read a posterior-mean prediction",
        "{0} predicts Prediction.Mean, but the consistency function evaluates the network at continuous noise levels between the training timesteps, where the one-step posterior coefficients that turn a predicted mean into x0_hat are not defined; predict Velocity, CleanSample or Noise");

    /// <summary>DDSL050: an autoencoder's downsampling factor is a power of two (each level halves the resolution).</summary>
    public static readonly DiagnosticDescriptor DownsamplingFactorNotPowerOfTwo = Error(
        "DDSL050",
        "Autoencoder downsampling factor is not a power of two",
        "DownsamplingFactor = {0} is not a power of two; each of the autoencoder's downsamplings halves the resolution, so f = 2^(levels - 1): use {1}");

    /// <summary>DDSL051: the downsampling factor divides the input size, so the latent has whole rows.</summary>
    public static readonly DiagnosticDescriptor InputNotDivisibleByFactor = Error(
        "DDSL051",
        "Autoencoder input size is not divisible by the downsampling factor",
        "InputSize = {0} is not divisible by DownsamplingFactor = {1}, so the {1}x smaller latent has no whole size; use an input size divisible by {1} (such as {2}) or a factor dividing {0}");

    /// <summary>DDSL052: one channel multiplier per resolution of the autoencoder's pyramid.</summary>
    public static readonly DiagnosticDescriptor MultipliersDoNotMatchFactor = Error(
        "DDSL052",
        "Autoencoder channel multipliers do not match the downsampling factor",
        "ChannelMultipliers has {0} entries, but DownsamplingFactor = {1} takes log2 f + 1 = {2} levels (one per resolution, {3}); give {2} multipliers");

    /// <summary>DDSL053: the KL weight is a finite number of at least 0.</summary>
    public static readonly DiagnosticDescriptor KlWeightNegative = Error(
        "DDSL053",
        "Autoencoder KL weight is negative",
        "KlWeight = {0} must be a finite number of at least 0; a negative weight rewards posteriors far from N(0, I) and the loss has no minimum (Rombach et al. 2022 use 1e-6)");

    /// <summary>DDSL054: [LatentDiffusion] names a class that is not a declared autoencoder.</summary>
    public static readonly DiagnosticDescriptor LatentAutoencoderInvalid = Error(
        "DDSL054",
        "Latent diffusion names no autoencoder",
        "'{0}' {1}; [LatentDiffusion] takes typeof an [Autoencoder] class, whose latents the model denoises");

    /// <summary>DDSL055: the network's input is not the autoencoder's latent.</summary>
    public static readonly DiagnosticDescriptor LatentShapeMismatch = Error(
        "DDSL055",
        "Network does not take the autoencoder's latent",
        "'{0}' takes {1} x {1} x {2} inputs, but the latent of '{3}' is {4} x {4} x {5} (InputSize {6} / DownsamplingFactor {7}, LatentChannels {5}); declare the network with InputSize = {4} and InChannels = {5}");

    /// <summary>DDSL056: a super-resolution stage and its network do not agree on the low-resolution input.</summary>
    public static readonly DiagnosticDescriptor SuperResolutionNetworkMismatch = Error(
        "DDSL056",
        "Super-resolution stage and network do not agree",
        "{0}; {1}");

    /// <summary>DDSL057: the low-resolution size is no integer fraction of the stage's size.</summary>
    public static readonly DiagnosticDescriptor SuperResolutionSizeInvalid = Error(
        "DDSL057",
        "Low-resolution size does not divide the stage's size",
        "FromSize = {0} must be smaller than the network's InputSize = {1} and divide it, so the area average has an integer factor; use a divisor of {1} such as {2}");

    /// <summary>DDSL058: an augmentation range is empty or outside what the augmentation can take.</summary>
    public static readonly DiagnosticDescriptor AugmentationRangeInvalid = Error(
        "DDSL058",
        "Noise augmentation range is empty or out of range",
        "{0}; use {1}");

    /// <summary>DDSL059: a cascade's stages do not chain.</summary>
    public static readonly DiagnosticDescriptor CascadeStagesDoNotChain = Error(
        "DDSL059",
        "Cascade stages do not chain",
        "Stage {0} '{1}' {2}, but stage {3} '{4}' {5}; {6}");

    /// <summary>DDSL060: a cascade's stage is not what its position needs.</summary>
    public static readonly DiagnosticDescriptor CascadeStageInvalid = Error(
        "DDSL060",
        "Cascade stage is not a base model or a super-resolution stage",
        "{0}; a cascade is a [DiffusionModel] base without [SuperResolution], then one or more [SuperResolution] stages");

    /// <summary>DDSL061: [TextConditioning] where it is not supported (yet), or beside what it replaces.</summary>
    public static readonly DiagnosticDescriptor TextConditioningUnsupported = Error(
        "DDSL061",
        "Text conditioning is not supported here",
        "[TextConditioning] on '{0}': {1}; {2}");

    /// <summary>DDSL062: a [DiffusionPrior] declared with what it cannot take, or used where its embeddings cannot go.</summary>
    public static readonly DiagnosticDescriptor PriorUnsupported = Error(
        "DDSL062",
        "Diffusion prior cannot be declared or used this way",
        "'{0}' is a diffusion prior: {1}; {2}");

    /// <summary>DDSL999: a bug in the generator.</summary>
    public static readonly DiagnosticDescriptor InternalError = Error(
        "DDSL999",
        "Internal generator error",
        "The Diffusion.Dsl generator failed on '{0}': {1}; please report it with the declaration");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    /// <summary>The ID's section of docs/diagnostics.md.</summary>
    private static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();
}
