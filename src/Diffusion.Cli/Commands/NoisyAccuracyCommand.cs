using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>noisy-accuracy: how well a noisy classifier reads held-out images at chosen noise levels t.</summary>
internal static class NoisyAccuracyCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var classifier = CliOptions.RequiredPath("--classifier", "The noisy classifier's checkpoint, run or release folder.");
        var data = CliOptions.RequiredPath("--data", "Held-out images: one subfolder per class, of the classifier's size and channels.");
        var timesteps = new Option<int[]>("--timesteps") { Description = "Training timesteps t at which to noise the images.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 0, 250, 500, 750, 900 } };
        var seed = CliOptions.Seed();
        var noVerify = CliOptions.NoVerify();
        var model = ModelOption.NoisyClassifier(catalog, "--model", "Which noisy classifier the checkpoint is of");
        var command = new Command("noisy-accuracy", "Accuracy of a noisy classifier on held-out images noised to x_t.") { model.Option, classifier, data, timesteps, seed, noVerify };
        CommandAction.Set(command, parse =>
        {
            var noisy = (INoisyClassifier)model.Resolve(parse).Factory();
            var steps = parse.GetValue(timesteps)!;
            if (steps.Any(t => t < 0 || t >= noisy.Schedule.Length)) throw new CommandLineException($"--timesteps must lie in 0..{noisy.Schedule.Length - 1}.");
            string dataDir = parse.GetValue(data)!;
            CliOptions.RequireDirectory(dataDir, "--data");
            using var images = ImageFolder.Load(dataDir, ModelData.Options(noisy.Description));
            var classifierModel = NoisyClassifierFile.Load(noisy, parse.GetValue(classifier)!, 1.0, CPU, verify: !parse.GetValue(noVerify)).Classifier;
            using var generator = new Generator((ulong)parse.GetValue(seed));
            foreach (int t in steps)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4)
                var noise = randn(images.Images.shape, generator: generator);
                var xt = classifierModel.Schedule.SqrtAlphasCumprod[t] * images.Images + classifierModel.Schedule.SqrtOneMinusAlphasCumprod[t] * noise;
                var predicted = classifierModel.Logits(xt, full(new long[] { images.Count }, t, dtype: ScalarType.Int64)).argmax(1);
                double accuracy = predicted.eq(images.Labels!).to(ScalarType.Float64).mean().item<double>();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t = {t,4} (sqrt(abar_t) = {classifierModel.Schedule.SqrtAlphasCumprod[t]:F3}): {accuracy:P1} of {images.Count} images"));
            }
            return 0;
        });
        return command;
    }
}
