using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using Diffusion.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>noisy-accuracy: how well the noisy classifier reads held-out digits at chosen noise levels t.</summary>
internal static class NoisyAccuracyCommand
{
    public static Command Create()
    {
        var classifier = CliOptions.RequiredPath("--classifier", "The noisy classifier's checkpoint, run or release folder.");
        var data = CliOptions.RequiredPath("--data", "Held-out digits: one subfolder per digit (data/mnist/test after setup).");
        var timesteps = new Option<int[]>("--timesteps") { Description = "Training timesteps t at which to noise the digits.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 0, 250, 500, 750, 900 } };
        var seed = CliOptions.Seed();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("noisy-accuracy", "Accuracy of the noisy classifier on held-out digits noised to x_t.") { classifier, data, timesteps, seed, noVerify };
        CommandAction.Set(command, parse =>
        {
            var steps = parse.GetValue(timesteps)!;
            if (steps.Any(t => t < 0 || t >= MnistSchedule.Timesteps)) throw new CommandLineException($"--timesteps must lie in 0..{MnistSchedule.Timesteps - 1}.");
            string dataDir = parse.GetValue(data)!;
            CliOptions.RequireDirectory(dataDir, "--data");
            using var images = ImageFolder.Load(dataDir, new ImageFolderOptions(28, 28, 1, ImageFolderLayout.ClassConditional) { Classes = MnistDit.Classes });
            var guidance = NoisyClassifierFile.Load(parse.GetValue(classifier), 1.0, CPU, verify: !parse.GetValue(noVerify))!;
            var model = guidance.Classifier;
            using var generator = new Generator((ulong)parse.GetValue(seed));
            foreach (int t in steps)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4)
                var noise = randn(images.Images.shape, generator: generator);
                var xt = model.Schedule.SqrtAlphasCumprod[t] * images.Images + model.Schedule.SqrtOneMinusAlphasCumprod[t] * noise;
                var predicted = model.Logits(xt, full(new long[] { images.Count }, t, dtype: ScalarType.Int64)).argmax(1);
                double accuracy = predicted.eq(images.Labels!).to(ScalarType.Float64).mean().item<double>();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t = {t,4} (sqrt(abar_t) = {model.Schedule.SqrtAlphasCumprod[t]:F3}): {accuracy:P1} of {images.Count} digits"));
            }
            return 0;
        });
        return command;
    }
}
