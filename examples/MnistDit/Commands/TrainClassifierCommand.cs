using System;
using System.CommandLine;
using System.IO;
using Diffusion.Cli;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Evaluation;
using Examples.Mnist.Evaluation;
using Diffusion.Runtime.IO;

namespace Examples.Mnist.Commands;

/// <summary>train-classifier: the evaluation CNN, trained on the train split and scored on the held-out test split.</summary>
internal static class TrainClassifierCommand
{
    public const string FileName = "classifier.safetensors";

    public static Command Create()
    {
        var data = CliOptions.RequiredPath("--data", "The prepared MNIST folder holding train/ and test/ (data/mnist after setup).");
        var output = CliOptions.RequiredPath("--out", $"Folder to write {FileName} into.");
        var epochs = CliOptions.Positive("--epochs", 5, "Passes over the training digits.");
        var seed = CliOptions.Seed();
        var force = CliOptions.Force();
        var command = new Command("train-classifier", "Train the MNIST classifier that scores generated digits.") { data, output, epochs, seed, force };
        CommandAction.Set(command, parse =>
        {
            string root = parse.GetValue(data)!;
            // Earlier weights are minutes of training: replaced only with --force, and checked before the training starts.
            string path = OutputPath.CheckFile(Path.Combine(parse.GetValue(output)!, FileName), "--out", parse.GetValue(force), _ => false, [root]);
            var layout = new ImageFolderOptions(28, 28, 1, ImageFolderLayout.ClassConditional) { Classes = MnistDit.Classes };
            using var train = ImageFolder.Load(Path.Combine(root, "train"), layout);
            using var test = ImageFolder.Load(Path.Combine(root, "test"), layout);
            var started = DateTime.UtcNow;
            using var classifier = ClassifierTraining.Train(train, parse.GetValue(epochs), seed: (int)parse.GetValue(seed), log: Console.WriteLine);
            double accuracy = classifier.Accuracy(test.Images, test.Labels!);
            classifier.Save(path);
            Console.WriteLine($"[train-classifier] {train.Count} training digits, {(DateTime.UtcNow - started).TotalSeconds:F0} s; held-out accuracy {accuracy:P2} on {test.Count} digits; saved {path}");
            return 0;
        });
        return command;
    }
}
