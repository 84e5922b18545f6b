using System;
using System.Linq;
using Diffusion.Runtime.Evaluation;
using Examples.Mnist.Data;
using static TorchSharp.torch;

namespace Examples.Mnist.Evaluation;

/// <summary>
/// The caption writer's own measures (<see cref="DigitProperties"/>) as attribute scores for evaluate --prompts: "thick"
/// the stroke width and "thin" its negative, "right" the slant, "left" its negative, "upright" minus |slant|, "large"
/// the upright box's area and "small" its negative. A sample without ink scores NaN, which never counts as moved.
/// </summary>
internal sealed class MnistAttributeMeasure : IAttributeMeasure
{
    public double[]? Score(Tensor images, string attribute)
    {
        Func<DigitProperties, double>? score = attribute switch
        {
            "thick" => p => p.Thickness,
            "thin" => p => -p.Thickness,
            "right" => p => p.Slant,
            "left" => p => -p.Slant,
            "upright" => p => -Math.Abs(p.Slant),
            "large" => p => p.Size,
            "small" => p => -p.Size,
            _ => null,
        };
        if (score is null) return null;
        using var scope = NewDisposeScope();
        // [-1, 1] -> bytes 0..255, as the caption writer reads the PNGs.
        var pixels = images.clamp(-1, 1).add(1).mul(127.5).round().to(ScalarType.Byte).cpu();    // (N, 1, H, W)
        long n = pixels.shape[0];
        int width = (int)pixels.shape[3];
        var bytes = pixels.data<byte>().ToArray();
        int per = bytes.Length / (int)n;
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var image = bytes.AsSpan(i * per, per);
            return image.IndexOfAnyInRange((byte)128, (byte)255) < 0 ? double.NaN : score(DigitProperties.Measure(image, width));
        }).ToArray();
    }
}
