using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// The caption a captioned batch trains on for each image, drawn from the step's generator, so a resumed run draws what
/// an uninterrupted one drew (<see cref="TextTrainable"/>, <see cref="Contrastive.ContrastiveTrainable"/>).
/// </summary>
internal static class CaptionDraw
{
    /// <summary>
    /// One caption per image of <paramref name="indices"/> (B): caption floor(u k) of its k captions, u the generator's
    /// next B float64 uniforms on the indices' device.
    /// </summary>
    public static string[] Draw(Tensor indices, IReadOnlyList<IReadOnlyList<string>> captions, Generator generator)
    {
        long n = indices.shape[0];
        var rows = indices.cpu().data<long>().ToArray();
        var uniforms = rand(n, ScalarType.Float64, device: indices.device, generator: generator).cpu().data<double>().ToArray();
        var picked = new string[n];
        for (int b = 0; b < n; b++)
        {
            var choices = captions[(int)rows[b]];
            picked[b] = choices[Math.Min((int)(uniforms[b] * choices.Count), choices.Count - 1)];
        }
        return picked;
    }
}
