using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Training;

/// <summary>
/// What train adds for a latent diffusion model (Rombach et al. 2022): a fresh run loads the --autoencoder checkpoint's
/// EMA weights into the model's frozen autoencoder and sets the latent scale factor from the first images, both then
/// kept in every checkpoint of the run; a resumed run takes both from its checkpoint. The trainer then sees the images
/// through the encoder, encoded once (<see cref="EncodedTrainingSet"/>), and the model's loss on a posterior.
/// A consistency model distilled from a latent teacher takes the teacher's autoencoder and latent scale with its
/// weights (<c>train</c> copies them before this), since it learns the teacher's steps on the teacher's latents.
/// </summary>
internal static class LatentRun
{
    /// <summary>
    /// The objective and data the trainer runs on for <paramref name="model"/>, after the steps above;
    /// <paramref name="objective"/> is what train chose for it (a consistency, text or unCLIP decoder objective, else the model).
    /// </summary>
    public static (ITrainableModel Objective, EncodedTrainingSet Data) Prepare(ILatentDiffusionModel model, ITrainableModel objective, ITrainingSet images,
        string? autoencoderPath, bool resuming, Device device, long seed, string tag)
    {
        string name = model.Description.Name, autoencoder = model.Autoencoder.Description.Name;
        var data = new EncodedTrainingSet(model.Autoencoder, images);
        // The model's own loss takes a posterior; the objectives train wraps around it (consistency, text, unCLIP
        // decoder) draw their latents from the moments themselves (LatentTrainable.Latents).
        var result = ReferenceEquals(objective, model) ? new LatentTrainable(model) : objective;
        if (model is IConsistencyModel { TeacherType: { } teacher })
        {
            if (autoencoderPath is not null)
                throw new CommandLineException($"--autoencoder: {name} takes its teacher {teacher.Name}'s autoencoder and latent scale with its weights; leave it out.");
            if (!resuming) Console.WriteLine($"{tag} autoencoder {autoencoder} and latent scale factor s = {model.LatentScale:G6} from the teacher {teacher.Name} (frozen; kept in this model's checkpoints)");
            return (result, data);
        }
        if (resuming)
        {
            if (autoencoderPath is not null)
                Console.WriteLine($"{tag} --autoencoder not read: the run's checkpoint holds the frozen {autoencoder} and the latent scale factor");
        }
        else
        {
            if (autoencoderPath is null)
                throw new CommandLineException($"--autoencoder is needed: {name} diffuses on the latents of {autoencoder}; pass a checkpoint, run or release folder of it (train one with train --model {autoencoder}).");
            string resolved = LoadedModel.Load(model.Autoencoder, autoencoderPath, device, verify: true);
            Console.WriteLine($"{tag} autoencoder {autoencoder} from {resolved} (frozen; kept in this model's checkpoints)");
            using var generator = new Generator(TrainingSeeds.LatentScale(seed), device);
            model.LatentScale = LatentScaleFactor.Compute(model, images, generator);
            long used = Math.Min(images.Count, LatentScaleFactor.DefaultExamples);
            Console.WriteLine($"{tag} latent scale factor s = 1 / std(z) = {model.LatentScale:G6} over the latents of the first {used} images (Rombach et al. 2022, Sec. 4.3.2)");
        }
        return (result, data);
    }
}
