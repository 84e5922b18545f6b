using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Diffusion.Runtime.IO;

namespace Diffusion.Runtime.Data;

/// <summary>One caption of a captions file: the image it describes (relative to the folder), the text, and its line.</summary>
/// <param name="Line">The line number in the file, from 1.</param>
/// <param name="ImagePath">The image's path relative to the folder, '/'-separated, as written.</param>
/// <param name="Caption">The caption, without surrounding white space.</param>
public sealed record CaptionLine(int Line, string ImagePath, string Caption);

/// <summary>
/// A captions file, <c>captions.tsv</c> beside an image folder's images: one caption per line, an image listed on several
/// lines has several captions (a training step draws one of them).
/// </summary>
/// <remarks>
/// <para>The format, tab-separated values without a header:</para>
/// <code>
/// # comment lines start with '#'; blank lines are skipped
/// 7/00012.png&lt;TAB&gt;a thick seven leaning right
/// 7/00012.png&lt;TAB&gt;the digit 7, thick strokes
/// </code>
/// <para>
/// UTF-8 (an opening byte-order mark is skipped), lines ending in LF or CRLF. Each line is an image path, one TAB, and
/// the caption. The path is relative to the folder the file describes, with '/' between folder names; absolute paths,
/// backslashes, and empty, <c>.</c> or <c>..</c> parts are refused, so no line can name a file outside the folder. The
/// caption is trimmed of surrounding white space and must be non-empty, at most <see cref="MaxCaptionCharacters"/>
/// characters, without TABs or other control characters. The same caption twice for one image is drawn twice as
/// often. The file is untrusted input: read with <see cref="RegularFile"/> within <see cref="MaxFileBytes"/>, and every
/// refusal is an <see cref="ImageDataException"/> naming the file and the line.
/// </para>
/// </remarks>
public static class CaptionFile
{
    /// <summary>The file name an image folder's captions are read from unless another is given.</summary>
    public const string DefaultName = "captions.tsv";

    /// <summary>The largest captions file read: 256 MiB (MNIST's 9,000 images with six captions each take 2 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The longest caption accepted, in UTF-16 characters; text encoders keep far fewer tokens.</summary>
    public const int MaxCaptionCharacters = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and checks every line of <paramref name="path"/>.</summary>
    /// <exception cref="ImageDataException">The file is missing, not a regular file, too large, not UTF-8, holds no
    /// caption, or a line breaks a rule above; the message names the file and the line.</exception>
    public static IReadOnlyList<CaptionLine> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(path, MaxFileBytes);
        }
        catch (InputFileException e)
        {
            throw new ImageDataException(path, $"Captions file: {e.Message}", e);
        }

        var lines = new List<CaptionLine>();
        int start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        for (int number = 1; start <= bytes.Length; number++)
        {
            int length = bytes.AsSpan(start).IndexOf((byte)'\n');
            if (length < 0) length = bytes.Length - start;
            var raw = bytes.AsSpan(start, length);
            start += length + 1;
            if (raw.EndsWith("\r"u8)) raw = raw[..^1];
            string text;
            try
            {
                text = StrictUtf8.GetString(raw);
            }
            catch (DecoderFallbackException)
            {
                throw Bad(path, number, "is not valid UTF-8");
            }

            if (text.Trim().Length == 0 || text.StartsWith('#')) continue;
            lines.Add(Parse(path, number, text));
        }

        if (lines.Count == 0) throw new ImageDataException(path, $"Captions file '{path}' holds no caption (expected lines 'image path<TAB>caption').");
        return lines;
    }

    private static CaptionLine Parse(string path, int number, string text)
    {
        int tab = text.IndexOf('\t');
        if (tab < 0) throw Bad(path, number, "has no TAB between the image path and the caption");
        if (text.IndexOf('\t', tab + 1) >= 0) throw Bad(path, number, "has more than one TAB (a caption cannot hold a TAB)");
        string image = text[..tab];
        string caption = text[(tab + 1)..].Trim();
        if (PathProblem(image) is { } problem) throw Bad(path, number, $"names the image '{image}', which {problem}");
        if (caption.Length == 0) throw Bad(path, number, $"gives '{image}' an empty caption");
        if (caption.Length > MaxCaptionCharacters) throw Bad(path, number, $"has a caption of {caption.Length} characters; at most {MaxCaptionCharacters} are accepted");
        if (caption.Any(char.IsControl)) throw Bad(path, number, "has a control character in its caption");
        return new CaptionLine(number, image, caption);
    }

    /// <summary>Why <paramref name="image"/> cannot name a file inside the folder, or null when it can.</summary>
    private static string? PathProblem(string image)
    {
        if (image.Length == 0) return "is empty";
        if (image.StartsWith('/')) return "is absolute; paths are relative to the captions file's folder";
        if (image.Contains('\\')) return "holds a backslash; separate folder names with '/'";
        if (image.Any(char.IsControl)) return "holds a control character";
        if (image.Split('/').FirstOrDefault(part => part is "" or "." or "..") is { } part)
            return part == ".." ? "escapes the folder ('..')" : $"has an empty or '.' part";
        return null;
    }

    private static ImageDataException Bad(string path, int line, string problem) =>
        new(path, $"Captions file '{path}' line {line} {problem}; expected 'image path<TAB>caption' with a path inside the folder.");
}
