using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Evaluation;

/// <summary>
/// Prompt adherence against hand-counted shares: a sampler whose K = 4 samples per prompt encode their class in one
/// pixel and their "thickness" in another, an evaluator reading the class pixel, a measure reading the thickness pixel.
/// </summary>
public class PromptAdherenceTests
{
    /// <summary>Reads class k from pixel (0, 0) = k / 10; its features are the four pixels.</summary>
    private sealed class PixelEvaluator : IImageEvaluator
    {
        public Tensor Predict(Tensor images) => images[.., 0, 0, 0].mul(10).round().to(ScalarType.Int64);

        public Tensor Features(Tensor images) => images.flatten(1);

        public Tensor Logits(Tensor images) => nn.functional.one_hot(Predict(images), 10).to(ScalarType.Float32);
    }

    /// <summary>"thick" and "thin" read pixel (0, 1); nothing else is known.</summary>
    private sealed class PixelThickness : IAttributeMeasure
    {
        public double[]? Score(Tensor images, string attribute)
        {
            var width = images[.., 0, 0, 1].to(ScalarType.Float64).data<double>().ToArray();
            return attribute switch { "thick" => width, "thin" => width.Select(w => -w).ToArray(), _ => null };
        }
    }

    // Four samples per prompt: (class pixel, thickness pixel) per seed.
    private static Tensor Samples(float[] classes, float[] widths)
    {
        var images = zeros(4, 1, 2, 2);
        for (int k = 0; k < 4; k++)
        {
            images[k, 0, 0, 0] = tensor(classes[k]);
            images[k, 0, 0, 1] = tensor(widths[k]);
        }
        return images;
    }

    private static Tensor Sampler(string prompt) => prompt switch
    {
        "seven" => Samples([0.7f, 0.7f, 0.7f, 0.7f], [0.2f, 0.2f, 0.2f, 0.2f]),
        "thick seven" => Samples([0.7f, 0.7f, 0.7f, 0.1f], [0.5f, 0.5f, 0.1f, 0.3f]),     // 3 of 4 sevens; 3 of 4 thicker than 0.2
        "thin seven" => Samples([0.7f, 0.7f, 0.7f, 0.7f], [0.1f, 0.3f, 0.3f, 0.3f]),      // 1 of 4 thinner
        "slanted seven" => Samples([0.7f, 0.2f, 0.7f, 0.7f], [0.2f, 0.2f, 0.2f, 0.2f]),
        _ => throw new ArgumentException(prompt),
    };

    [Fact]
    public void Shares_are_counted_per_prompt_against_the_neutral_prompt_at_the_same_seeds()
    {
        PromptCase[] cases =
        [
            new(1, 7, null, "seven"),
            new(2, 7, "thick", "thick seven"),
            new(3, 7, "thin", "thin seven"),
            new(4, 7, "slanted", "slanted seven"),
        ];
        var scores = PromptAdherence.Measure(cases, Sampler, new PixelEvaluator(), new PixelThickness());

        Assert.Equal([1.0, 0.75, 1.0, 0.75], scores.Select(s => s.DigitShare));
        Assert.Null(scores[0].AttributeShare);
        Assert.Equal(0.75, scores[1].AttributeShare);
        Assert.Equal(0.25, scores[2].AttributeShare);
        Assert.Null(scores[3].AttributeShare);    // the measure does not know "slanted"
        Assert.Equal(0.0, scores[0].Diversity);   // four identical samples
        // "thin seven": features (0.7, 0.1, 0, 0) once and (0.7, 0.3, 0, 0) three times: 3 of the 6 pairs at 0.2.
        Assert.Equal(0.1, scores[2].Diversity, 6);
    }

    [Fact]
    public void A_prompts_file_is_read_and_its_mistakes_name_the_line()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("prompts.tsv");
        File.WriteAllLines(path, ["# class, attribute, prompt", "", "7\t-\tnumber seven", "7\tthin\tseven, drawn thin"]);
        var cases = PromptSet.Read(path, classes: 10);
        Assert.Equal([new PromptCase(3, 7, null, "number seven"), new PromptCase(4, 7, "thin", "seven, drawn thin")], cases);

        File.WriteAllLines(path, ["7\t-\tnumber seven", "12\t-\ttwelve"]);
        Assert.Contains("line 2: class '12' is not one of 0..9", Assert.Throws<InputFileException>(() => PromptSet.Read(path, 10)).Message);
        File.WriteAllLines(path, ["number seven"]);
        Assert.Contains("line 1: expected 'class<TAB>attribute<TAB>prompt', found 1 field(s)", Assert.Throws<InputFileException>(() => PromptSet.Read(path, 10)).Message);
    }
}
