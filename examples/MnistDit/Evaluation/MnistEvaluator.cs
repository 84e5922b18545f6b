using System.IO;
using Diffusion.Cli;
using Examples.Mnist.Commands;

namespace Examples.Mnist.Evaluation;

/// <summary>The evaluation CNN as the host's evaluator: loaded from the folder train-classifier wrote it to.</summary>
internal static class MnistEvaluator
{
    public static EvaluatorSource Source { get; } = new(
        $"The folder holding the evaluation CNN's {TrainClassifierCommand.FileName} (train-classifier; examples/MnistDit/evaluation).",
        Load)
    {
        Attributes = new MnistAttributeMeasure(),
    };

    private static MnistClassifier Load(string folder, bool verify)
    {
        string path = Path.Combine(folder, TrainClassifierCommand.FileName);
        if (!File.Exists(path)) throw new CommandLineException($"--evaluator: {path} does not exist; run train-classifier first.");
        return MnistClassifier.Load(path, verify);
    }
}
