using System;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Training;

/// <summary>
/// What train adds for a text-conditioned model (Saharia et al. 2022, Sec. 2): the captions of the --data folder
/// encoded once by the host's frozen text encoder and kept beside the data (<see cref="CaptionEmbeddingCache"/>: a later
/// run encodes only new captions), then batches of (images, one caption drawn per image) for the model's loss
/// (<see cref="TextTrainable"/>).
/// </summary>
internal static class TextRun
{
    /// <summary>
    /// The objective and data the trainer runs on for <paramref name="model"/>; with <paramref name="areaFrom"/>, the
    /// folder's images of that size area-averaged to the model's, as a text cascade's base trains (--area-from).
    /// </summary>
    public static (ITrainableModel Objective, ITrainingSet Data) Prepare(ITextDiffusionModel model, CaptionedImageFolder folder, string dataDir,
        Func<ITextEncoder>? encoderFactory, string tag, int? areaFrom = null)
    {
        var objective = new TextTrainable(model, folder.Captions, EmbedCaptions(model, folder, dataDir, encoderFactory, tag));
        ITrainingSet data = new CaptionedTrainingSet(folder);
        return (objective, areaFrom is { } side ? new Diffusion.Runtime.Cascades.AreaDownsampledTrainingSet(data, side, model.Description.ImageSize) : data);
    }

    /// <summary>
    /// The embeddings of every caption of <paramref name="folder"/> by the host's encoder, from the cache beside the data
    /// where it has them; refuses the models whose text training does not exist yet.
    /// </summary>
    public static CaptionEmbeddings EmbedCaptions(ITextDiffusionModel model, CaptionedImageFolder folder, string dataDir, Func<ITextEncoder>? encoderFactory, string tag)
    {
        string name = model.Description.Name;
        if (model is IConsistencyModel or IDistillationStudent)
            throw new CommandLineException($"{name}: text-conditioned consistency models and students do not train yet.");
        var encoder = HostTextEncoder.For(encoderFactory, model);
        try
        {
            string cache = CaptionEmbeddingCache.PathFor(dataDir, encoder.Identity);
            var started = DateTime.UtcNow;
            var embeddings = CaptionEmbeddingCache.Load(cache, folder.Captions.SelectMany(c => c), encoder);
            foreach (var warning in embeddings.Warnings) Console.Error.WriteLine($"warning: {warning}");
            Console.WriteLine($"{tag} {embeddings.Captions.Count} distinct captions by {encoder.Identity.ModelId}: {embeddings.Encoded} encoded, "
                + $"{embeddings.Reused} from {cache} ({(DateTime.UtcNow - started).TotalSeconds:F1} s)");
            if (model.ReadsTokens && embeddings.LongestTokens > model.MaxTokens)
                Console.WriteLine($"{tag} captions of more than {model.MaxTokens} tokens (the longest has {embeddings.LongestTokens}) give {name} "
                    + $"their first {model.MaxTokens}; their pooled embedding is the whole caption's");
            return embeddings;
        }
        finally
        {
            HostTextEncoder.Release(encoder);
        }
    }
}
