using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli;

/// <summary>
/// The image folder a declared model trains on: images of its size and channels, in one subfolder per class for a
/// class-conditional model (or a noisy classifier) and in one flat folder for an unconditional model.
/// </summary>
public static class ModelData
{
    /// <summary>The loader's options for <paramref name="model"/>'s declaration.</summary>
    public static ImageFolderOptions Options(ModelDescription model) =>
        new(model.ImageSize, model.ImageSize, model.Channels, model.Classes is null ? ImageFolderLayout.Unconditional : ImageFolderLayout.ClassConditional)
        {
            Classes = model.Classes,
        };

    /// <summary>What the folder must look like, for help texts and messages.</summary>
    public static string Describe(ModelDescription model) =>
        DescribeImages(model)
        + (model.Classes is { } classes ? $" in one subfolder per class ({classes} classes)" : " in one flat folder (the model is unconditional)");

    /// <summary>The images alone, for help texts and messages: "28x28 grayscale PNGs".</summary>
    public static string DescribeImages(ModelDescription model) =>
        $"{model.ImageSize}x{model.ImageSize} {(model.Channels == 1 ? "grayscale" : model.Channels == 3 ? "RGB" : $"{model.Channels}-channel")} PNGs";

    /// <summary>
    /// Refuses class subfolders for an unconditional model: the loader would take their images unlabelled, and the
    /// user most likely meant a class-conditional model.
    /// </summary>
    public static void RequireLayout(string folder, string option, ModelDescription model)
    {
        if (model.Classes is not null) return;
        var subfolders = Directory.EnumerateDirectories(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(4).ToArray();
        if (subfolders.Length > 0)
            throw new CommandLineException($"{option} {folder}: has subfolders ({string.Join(", ", subfolders)}{(subfolders.Length == 4 ? ", ..." : "")}), but {model.Name} is "
                + "unconditional and trains on one flat folder of images; move the images into the folder itself, or declare [LabelEmbedding] to train on classes.");
    }
}
