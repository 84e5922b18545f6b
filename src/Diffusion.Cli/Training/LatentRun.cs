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
/// </summary>
internal static class LatentRun
{
    /// <summary>The objective and data the trainer runs on for <paramref name="model"/>, after the steps above.</summary>
    public static (ITrainableModel Objective, EncodedTrainingSet Data) Prepare(ILatentDiffusionModel model, ITrainingSet images, string? autoencoderPath,
        bool resuming, Device device, long seed, string tag)
    {
        string name = model.Description.Name, autoencoder = model.Autoencoder.Description.Name;
        if (model is IConsistencyModel or IDistillationStudent)
            throw new CommandLineException($"{name}: consistency models and distillation students on latents do not train yet; declare [LatentDiffusion] on a plain diffusion model.");
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
        return (new LatentTrainable(model), new EncodedTrainingSet(model.Autoencoder, images));
    }
}
