using System;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Training;

/// <summary>
/// What train writes after an autoencoder's run: images spread through its data above their reconstructions through the
/// posterior's mean, from the last checkpoint's EMA weights (the weights a latent model would use), with their L1 error
/// and PSNR.
/// </summary>
internal static class ReconstructionGrid
{
    /// <summary>The grid's file name in the run folder.</summary>
    public const string FileName = "reconstructions.png";

    /// <summary>Images per row (fewer when the data has fewer).</summary>
    public const int Columns = 8;

    /// <summary>
    /// Loads <paramref name="checkpoint"/>'s EMA weights into <paramref name="model"/>, reconstructs
    /// <see cref="Columns"/> images evenly spaced through <paramref name="data"/> and writes originals above reconstructions to
    /// <paramref name="path"/>. Returns the mean absolute error per pixel and the PSNR in dB (peak-to-peak 2 for [-1, 1]).
    /// </summary>
    public static (double MeanAbsoluteError, double Psnr) Write(IAutoencoder model, string checkpoint, ITrainingSet data, string path)
    {
        CheckpointLoader.LoadForSampling(model, checkpoint);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Network.parameters().First().device;
        // Evenly spaced through the data, so that a folder sorted by class shows several classes.
        long count = Math.Min(Columns, data.Count), stride = data.Count / count;
        var (images, _) = data.Batch(Enumerable.Range(0, (int)count).Select(i => i * stride).ToArray());    // (n, C, H, W) in [-1, 1]
        using var posterior = model.Encode(images.to(device));
        using var low = (-1.0).ToScalar();
        using var high = 1.0.ToScalar();
        var reconstructions = model.Decode(posterior.Mode()).clamp(low, high).cpu();                   // (n, C, H, W)
        var both = cat([images, reconstructions], 0);                                                  // (2n, C, H, W)
        ImageGrid.Write(both, path, rows: 2, upscale: SampleGrid.Upscale(model.Description.ImageSize, SampleGrid.CellPixels));
        var error = ReconstructionError.Of(images, reconstructions);
        return (error.MeanAbsoluteError, error.Psnr);
    }
}
