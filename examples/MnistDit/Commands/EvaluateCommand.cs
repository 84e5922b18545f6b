using System;
using System.CommandLine;
using System.IO;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Evaluation;
using Examples.Mnist.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>evaluate: the share of generated digits that the evaluation classifier reads as the digit they were asked for.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A checkpoint, run or release folder.");
        var classifierDir = CliOptions.RequiredPath("--classifier", $"The folder holding {TrainClassifierCommand.FileName} (from train-classifier).");
        var perClass = CliOptions.Positive("--per-class", 100, "Samples per digit.", maximum: 10_000);
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps (1..1000).");
        var eta = CliOptions.NonNegative("--eta", 0.0, "DDIM's eta.");
        var guidance = CliOptions.NonNegative("--guidance", MnistDiffusion.DefaultGuidanceScale, "Classifier-free guidance weight w (1 = none).");
        var threshold = CliOptions.Threshold();
        var percentile = CliOptions.Percentile();
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var model = ExampleModels.DiffusionOption();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("evaluate", "Score a checkpoint: the share of its digits classified as the intended digit.")
        {
            model, checkpoint, classifierDir, perClass, sampler, steps, eta, guidance, threshold, percentile, seed, device, noVerify,
        };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            CliOptions.WarnAboutSampling(parse.GetValue(eta), parse.GetValue(guidance));
            string classifierPath = Path.Combine(parse.GetValue(classifierDir)!, TrainClassifierCommand.FileName);
            if (!File.Exists(classifierPath)) throw new CommandLineException($"--classifier: {classifierPath} does not exist; run train-classifier first.");
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(classifierDir)!);
            using var classifier = MnistClassifier.Load(classifierPath, verify);
            var diffusion = ExampleModels.CreateDiffusion(parse.GetValue(model)!);
            string resolved = RunFolder.Resolve(parse.GetValue(checkpoint)!, verify: verify);
            CliOptions.WarnUnverified(!verify, resolved);
            CheckpointLoader.LoadForSampling(diffusion, resolved, verify: verify);
            diffusion.Network.to(target);
            diffusion.Network.eval();

            int n = parse.GetValue(perClass);
            using var samples = ClassGrid.Sample(diffusion, parse.GetValue(sampler), n, parse.GetValue(steps), parse.GetValue(eta),
                parse.GetValue(guidance), parse.GetValue(seed), target, parse.GetValue(threshold), parse.GetValue(percentile));
            using var intended = arange(ClassGrid.Digits, dtype: ScalarType.Int64).repeat_interleave(n);
            double share = SampleQuality.ShareMatchingLabel(classifier, samples.clamp(-1, 1), intended);
            Console.WriteLine($"[evaluate] {resolved}: {share:P1} of {samples.shape[0]} digits classified as their intended digit " +
                              $"({parse.GetValue(sampler)}, {parse.GetValue(steps)} steps, eta {parse.GetValue(eta)}, guidance {parse.GetValue(guidance)}, {parse.GetValue(threshold)} thresholding, seed {parse.GetValue(seed)})");
            return 0;
        });
        return command;
    }
}
