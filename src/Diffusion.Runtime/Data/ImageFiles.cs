using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Data;

/// <summary>Named PNG files, as a command's inputs (an unCLIP decoder's source images for variations), checked and decoded as a folder's are.</summary>
public static class ImageFiles
{
    /// <summary>
    /// (N, C, H, W) float32 in [-1, 1], image i from <paramref name="files"/>[i], each checked and decoded under
    /// <paramref name="options"/> (size, channels, limits, fit).
    /// </summary>
    /// <exception cref="ImageDataException">A file is unreadable or does not fit the options; the message names it.</exception>
    public static Tensor Load(IReadOnlyList<string> files, ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        int pixels = options.Channels * options.Height * options.Width;
        var buffer = new float[(long)files.Count * pixels];
        var bytes = new byte[pixels];
        for (int i = 0; i < files.Count; i++)
        {
            if (ImageDecoder.TryDecode(files[i], options, bytes, out var inner) is { } problem) throw new ImageDataException(files[i], problem, inner);
            ImageDecoder.ToUnitRange(bytes, buffer.AsSpan(i * pixels, pixels));
        }
        return tensor(buffer, [files.Count, options.Channels, options.Height, options.Width]);
    }
}
