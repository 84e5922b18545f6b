using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Data;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class StreamingImageFolderTests
{
    /// <summary>An RGB 6x5 image costs 90 bytes of pixels plus the entry overhead.</summary>
    private const long RgbEntry = 6 * 5 * 3 + 128;

    private static readonly ImageFolderOptions Rgb6x5 = new(6, 5, 3, ImageFolderLayout.ClassConditional);

    /// <summary>Classes a, b, c with 4, 3 and 5 seeded random RGB images.</summary>
    private static void WriteRgbClasses(TempFolder temp)
    {
        var random = new Random(11);
        foreach (var (name, count) in new[] { ("a", 4), ("b", 3), ("c", 5) })
            for (int i = 0; i < count; i++)
                TempFolder.WriteRgb(temp.Combine(name, $"{i}.png"), 6, 5, (_, _) => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
    }

    [Fact]
    public void Batches_equal_the_in_memory_load_row_for_row_while_the_cache_stays_within_its_bound()
    {
        using var temp = new TempFolder();
        WriteRgbClasses(temp);
        using var loaded = ImageFolder.Load(temp.Path, Rgb6x5);
        // Room for 3 of the 12 images: every batch below misses and evicts.
        var streaming = StreamingImageFolder.Open(temp.Path, Rgb6x5, cacheBytes: 3 * RgbEntry);

        Assert.Equal(loaded.Count, streaming.Count);
        Assert.Equal(loaded.Files, streaming.Files);
        Assert.Equal(loaded.ClassNames, streaming.ClassNames);
        Assert.Equal(3 * RgbEntry, streaming.CachedBytes);
        var random = new Random(5);
        for (int round = 0; round < 20; round++)
        {
            using var scope = NewDisposeScope();
            long[] indices = Enumerable.Range(0, 4).Select(_ => (long)random.Next(12)).ToArray();
            var (images, labels) = streaming.Batch(indices);
            var rows = tensor(indices);
            Assert.True(images.equal(loaded.Images.index_select(0, rows)).all().item<bool>(), $"round {round}: pixels differ");
            Assert.Equal(loaded.Labels!.index_select(0, rows).data<long>().ToArray(), labels!.data<long>().ToArray());
            Assert.True(streaming.CachedBytes <= 3 * RgbEntry, $"round {round}: {streaming.CachedBytes} bytes cached");
        }
        Assert.True(streaming.Decodes > 0, "a cache of 3 images served 80 draws from 12 without decoding");
    }

    [Fact]
    public void A_folder_that_fits_is_decoded_once()
    {
        using var temp = new TempFolder();
        WriteRgbClasses(temp);
        var streaming = StreamingImageFolder.Open(temp.Path, Rgb6x5, cacheBytes: 1 << 20);
        using var scope = NewDisposeScope();
        for (int round = 0; round < 5; round++) streaming.Batch([0, 3, 7, 11, 5]);
        Assert.Equal(0, streaming.Decodes);
        Assert.Equal(12 * RgbEntry, streaming.CachedBytes);
    }

    [Fact]
    public void A_bad_file_stops_the_open_naming_it_or_is_skipped_with_a_warning()
    {
        using var temp = new TempFolder();
        WriteRgbClasses(temp);
        string bad = temp.Combine("b", "1.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        var error = Assert.Throws<ImageDataException>(() => StreamingImageFolder.Open(temp.Path, Rgb6x5, 0));
        Assert.Equal(bad, error.Path);

        var skipping = StreamingImageFolder.Open(temp.Path, Rgb6x5 with { SkipBadFiles = true }, 0);
        Assert.Equal(11, skipping.Count);
        Assert.DoesNotContain(bad, skipping.Files);
        Assert.Contains(skipping.Warnings, w => w.Contains(bad, StringComparison.Ordinal));
        Assert.Equal([0L, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2], skipping.Labels!.ToArray());
    }

    [Fact]
    public void A_file_that_breaks_after_the_open_stops_the_batch_naming_it()
    {
        using var temp = new TempFolder();
        WriteRgbClasses(temp);
        var streaming = StreamingImageFolder.Open(temp.Path, Rgb6x5, cacheBytes: 0);
        File.WriteAllText(streaming.Files[2], "replaced while training");

        using var scope = NewDisposeScope();
        streaming.Batch([0, 1]);
        var error = Assert.Throws<ImageDataException>(() => streaming.Batch([1, 2]));
        Assert.Equal(streaming.Files[2], error.Path);
        Assert.Contains("decoded when training started", error.Message);
    }

    [Fact]
    public void Center_crop_scales_to_cover_and_keeps_the_middle()
    {
        using var temp = new TempFolder();
        // 40x20: black side bands of 6 columns, white between. Scaled by 1/2 to cover 10x10 (20x10), the centre 10
        // columns come from original columns 10..29, and the bicubic support (4 source pixels each side at this
        // scale) stays inside the white band, so every kept pixel is exactly white; a stretch would show the bands.
        TempFolder.WriteGray(temp.Combine("wide.png"), 40, 20, (x, _) => x is < 6 or >= 34 ? (byte)0 : (byte)255);
        var gray10 = new ImageFolderOptions(10, 10, 1);

        var exact = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, gray10));
        Assert.Contains("is 40x20 pixels; expected 10x10", exact.Message);
        Assert.Contains("--fit center-crop", exact.Message);

        using var data = ImageFolder.Load(temp.Path, gray10 with { Fit = ImageFit.CenterCrop });
        Assert.Equal([1L, 1, 10, 10], data.Images.shape);
        Assert.Equal(1f, data.Images.min().item<float>());
    }

    [Fact]
    public void Training_streamed_through_a_small_cache_computes_the_losses_of_training_in_memory_bit_for_bit()
    {
        TestTorch.Init();
        using var temp = new TempFolder();
        var random = new Random(3);
        for (int i = 0; i < 40; i++)
            TempFolder.WriteGray(temp.Combine($"{i:D2}.png"), 4, 4, (_, _) => (byte)random.Next(256));
        var options = new ImageFolderOptions(4, 4, 1);
        using var loaded = ImageFolder.Load(temp.Path, options);
        var streaming = StreamingImageFolder.Open(temp.Path, options, cacheBytes: 5 * (16 + 128));

        TrainingOptions Options(string name) => new()
        {
            Steps = 12, BatchSize = 8, LearningRate = 3e-3, Seed = 9, CheckpointEvery = 100, LogEvery = 100,
            OutputDir = TestTorch.TempDirectory(name),
        };
        var inMemory = new Trainer(new TinyDenoiser(), new TrainingData(loaded.Images), Options("in-memory")).Run();
        var streamed = new Trainer(new TinyDenoiser(), streaming, Options("streamed")).Run();

        Assert.Equal(inMemory.Losses, streamed.Losses);
        Assert.True(streaming.Decodes > 12 * 8 / 2, $"only {streaming.Decodes} decodes: the cache did not bind");
    }
}
