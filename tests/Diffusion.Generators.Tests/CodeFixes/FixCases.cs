using System.Collections.Generic;

namespace Diffusion.Generators.Tests.CodeFixes;

/// <summary>
/// The fixes that docs/diagnostics.md does not show: the other action of a diagnostic with two, DDSL003's usual
/// values, an argument that is added rather than replaced, an edit in another file, names without a using.
/// </summary>
internal static class FixCases
{
    /// <summary>The sources before, the action's equivalence key, the sources after.</summary>
    public sealed record Case(string[] Before, string Key, string[] After);

    private const string Usings = "using Diffusion.Dsl;\n\nnamespace T;\n\n";

    private const string Schedule = "[NoiseSchedule(ScheduleKind.Cosine)]\npublic partial class S;\n\n";

    private const string Network = """
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        """;

    private const string ConditionalNetwork = """
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 10)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        """;

    private static string Model(string arguments, string sampler = "[Sampler(SamplerKind.Ddim)]\n") =>
        "[DiffusionModel(typeof(S), typeof(N)" + arguments + ")]\n" + sampler + "public partial class M;\n";

    private static Case One(string before, string key, string after) => new(new[] { Usings + before }, key, new[] { Usings + after });

    public static readonly IReadOnlyDictionary<string, Case> All = new Dictionary<string, Case>
    {
        ["DDSL001 adds PatchSize to a preset that did not write it"] = One(
            "[DiffusionTransformer(InputSize = 9, InChannels = 1)]\n[DiTPreset(DiTSize.S)]\npublic partial class N;\n",
            "DDSL001.Set.PatchSize",
            "[DiffusionTransformer(InputSize = 9, InChannels = 1)]\n[DiTPreset(DiTSize.S, PatchSize = 1)]\npublic partial class N;\n"),
        ["DDSL003 BaseChannels: the next even number"] = One(
            "[UNet(InputSize = 8, InChannels = 1, BaseChannels = 31, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 8)]\npublic partial class N;\n",
            "DDSL003.Set.BaseChannels",
            "[UNet(InputSize = 8, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 8)]\npublic partial class N;\n"),
        ["DDSL003 Dropout: 0.1"] = One(
            "[UNet(InputSize = 8, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 8, Dropout = 1.5)]\npublic partial class N;\n",
            "DDSL003.Set.Dropout",
            "[UNet(InputSize = 8, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 8, Dropout = 0.1)]\npublic partial class N;\n"),
        ["DDSL003 MlpRatio: 4"] = One(
            Network.Replace("Heads = 2)", "Heads = 2, MlpRatio = 0)"),
            "DDSL003.Set.MlpRatio",
            Network.Replace("Heads = 2)", "Heads = 2, MlpRatio = 4)")),
        ["DDSL003 MinSnrGamma: 5"] = One(
            Schedule + Network + Model(", Weighting = LossWeighting.MinSnr, MinSnrGamma = 0"),
            "DDSL003.Set.MinSnrGamma",
            Schedule + Network + Model(", Weighting = LossWeighting.MinSnr, MinSnrGamma = 5")),
        ["DDSL003 guidance Scale: 4"] = One(
            Schedule + ConditionalNetwork + Model("", "[Sampler(SamplerKind.Ddim)]\n[ClassifierFreeGuidance(Scale = -1)]\n"),
            "DDSL003.Set.Scale",
            Schedule + ConditionalNetwork + Model("", "[Sampler(SamplerKind.Ddim)]\n[ClassifierFreeGuidance(Scale = 4)]\n")),
        ["DDSL005 removes the guidance and keeps the documentation above it"] = One(
            Schedule + Network + "/// <summary>The model.</summary>\n[ClassifierFreeGuidance(Scale = 3)]\n" + Model(""),
            "DDSL005.Remove",
            Schedule + Network + "/// <summary>The model.</summary>\n" + Model("")),
        ["DDSL005 adds the label embedding to a network in another file"] = new(
            new[] { Usings + Schedule + "[ClassifierFreeGuidance(Scale = 3)]\n" + Model(""), Usings + Network },
            "DDSL005.Add",
            new[] { Usings + Schedule + "[ClassifierFreeGuidance(Scale = 3)]\n" + Model(""), Usings + Network.Replace("public partial", "[LabelEmbedding(Classes = 10)]\npublic partial") }),
        ["DDSL008 sets the weighting a MinSnrGamma needs"] = One(
            Schedule + Network + Model(", MinSnrGamma = 3"),
            "DDSL008.Set.Weighting",
            Schedule + Network + Model(", MinSnrGamma = 3, Weighting = LossWeighting.MinSnr")),
        ["DDSL014 adds the sampler without a using, fully qualified"] = new(
            new[] { "namespace T;\n\n[Diffusion.Dsl.NoiseSchedule(Diffusion.Dsl.ScheduleKind.Cosine)]\npublic partial class S;\n\n" + Without(Network) + "[Diffusion.Dsl.DiffusionModel(typeof(S), typeof(N))]\npublic partial class M;\n" },
            "DDSL014.Add",
            new[] { "namespace T;\n\n[Diffusion.Dsl.NoiseSchedule(Diffusion.Dsl.ScheduleKind.Cosine)]\npublic partial class S;\n\n" + Without(Network) + "[Diffusion.Dsl.DiffusionModel(typeof(S), typeof(N))]\n[Diffusion.Dsl.Sampler(Diffusion.Dsl.SamplerKind.Ddim)]\npublic partial class M;\n" }),
        ["DDSL015 sets LearnSigma on a network in another file"] = new(
            new[] { Usings + Schedule + Model(", Variance = ReverseVariance.Learned, Objective = Objective.Hybrid", "[Sampler(SamplerKind.Ddpm)]\n"), Usings + Network },
            "DDSL015.Set.LearnSigma",
            new[] { Usings + Schedule + Model(", Variance = ReverseVariance.Learned, Objective = Objective.Hybrid", "[Sampler(SamplerKind.Ddpm)]\n"), Usings + Network.Replace("InChannels = 1)", "InChannels = 1, LearnSigma = true)") }),
        ["DDSL016 sets the simple objective for a fixed variance"] = One(
            Schedule + Network + Model(", Objective = Objective.Hybrid"),
            "DDSL016.Set.Objective",
            Schedule + Network + Model(", Objective = Objective.Simple")),
        ["DDSL017 adds Predicts without a using, fully qualified"] = new(
            new[] { "namespace T;\n\n[Diffusion.Dsl.NoiseSchedule(Diffusion.Dsl.ScheduleKind.Cosine)]\npublic partial class S;\n\n" + Without(Network) + "[Diffusion.Dsl.DiffusionModel(typeof(S), typeof(N), Weighting = Diffusion.Dsl.LossWeighting.TruncatedSnr)]\n[Diffusion.Dsl.Sampler(Diffusion.Dsl.SamplerKind.Ddim)]\npublic partial class M;\n" },
            "DDSL017.Set.Predicts",
            new[] { "namespace T;\n\n[Diffusion.Dsl.NoiseSchedule(Diffusion.Dsl.ScheduleKind.Cosine)]\npublic partial class S;\n\n" + Without(Network) + "[Diffusion.Dsl.DiffusionModel(typeof(S), typeof(N), Weighting = Diffusion.Dsl.LossWeighting.TruncatedSnr, Predicts = Diffusion.Dsl.Prediction.Velocity)]\n[Diffusion.Dsl.Sampler(Diffusion.Dsl.SamplerKind.Ddim)]\npublic partial class M;\n" }),
        ["DDSL018 adds Predicts where the default predicted noise"] = One(
            "[NoiseSchedule(ScheduleKind.ScaledLinear, ZeroTerminalSnr = true)]\npublic partial class S;\n\n" + Network + Model(""),
            "DDSL018.Set.Predicts",
            "[NoiseSchedule(ScheduleKind.ScaledLinear, ZeroTerminalSnr = true)]\npublic partial class S;\n\n" + Network + Model(", Predicts = Prediction.Velocity")),
        ["DDSL019 sets an input size that halves often enough"] = One(
            "[UNet(InputSize = 28, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2, 2 }, NormGroups = 8)]\npublic partial class N;\n",
            "DDSL019.Set.InputSize",
            "[UNet(InputSize = 32, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2, 2 }, NormGroups = 8)]\npublic partial class N;\n"),
        ["DDSL021 adds NormGroups where the default 32 does not divide"] = One(
            "[UNet(InputSize = 16, InChannels = 1, BaseChannels = 24, ChannelMultipliers = new[] { 1, 2 })]\npublic partial class N;\n",
            "DDSL021.Set.NormGroups",
            "[UNet(InputSize = 16, InChannels = 1, BaseChannels = 24, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 24)]\npublic partial class N;\n"),
    };

    /// <summary>A declaration of <see cref="Network"/>'s kind with Diffusion.Dsl's names written out.</summary>
    private static string Without(string network) => network.Replace("[", "[Diffusion.Dsl.");
}
