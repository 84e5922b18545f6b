using System.CommandLine;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Cli;

/// <summary>
/// The sampling options sample and evaluate hand to their model-specific paths (cascades, text prompts, prompt
/// evaluation): what each chooses for a model and the request they make.
/// </summary>
internal sealed record SamplingOptions(
    Option<SamplerKind?> Sampler,
    Option<int> Steps,
    Option<double> Eta,
    Option<double?> Guidance,
    Option<Thresholding> Threshold,
    Option<double> Percentile,
    Option<long> Seed,
    Option<string> Precision,
    Option<Diffusion.Runtime.Scheduling.TimestepSpacing?> Spacing)
{
    /// <summary>The sampler, guidance weight and thresholding the options choose for <paramref name="model"/> (its defaults where not given).</summary>
    public (SamplerKind Kind, double Weight, Thresholding Thresholding) Choose(ParseResult parse, IDiffusionModel model) =>
        (CliOptions.ChooseSampler(parse.GetValue(Sampler), model), CliOptions.ChooseGuidance(parse.GetValue(Guidance), model),
            CliOptions.ChooseThreshold(parse, Threshold, model));

    /// <summary>
    /// A request of <paramref name="count"/> samples with <paramref name="kind"/> at the parsed steps, spacing, eta,
    /// percentile and precision.
    /// </summary>
    public SampleRequest Request(ParseResult parse, SamplerKind kind, int count, Tensor? labels, double weight, Thresholding thresholding) =>
        new(count, labels, parse.GetValue(Steps), parse.GetValue(Eta), weight)
        {
            Spacing = CliOptions.ChooseSpacing(parse, Spacing, kind),
            Thresholding = thresholding,
            DynamicPercentile = parse.GetValue(Percentile),
            Precision = CliOptions.ToPrecision(parse.GetValue(Precision)),
        };

    /// <summary>A generator on <paramref name="device"/> seeded with --seed.</summary>
    public Generator Generator(ParseResult parse, Device device) => new((ulong)parse.GetValue(Seed), device);
}
