using Diffusion.Cli;
using Diffusion.Text;
using Examples.Mnist.Commands;
using Examples.Mnist.Evaluation;

namespace Examples.Mnist;

/// <summary>
/// The MNIST example's command line: the host's commands for the declared DiT, U-Net and noisy classifier (train,
/// sample, evaluate, compare-guidance, noisy-accuracy, eval, inspect, release), judged by the example's evaluation
/// CNN, the text-to-digit model's captions and prompts encoded by the frozen MiniLM, plus what is MNIST's own:
/// prepare-data, caption, train-classifier and bench.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => DiffusionHost.Run(args, DeclaredModels.Catalog, new HostOptions
    {
        Description = "Train and sample the class-conditional MNIST Diffusion Transformer (MnistDiffusion.cs) and U-Net (MnistUNet.cs), and guide them with a noisy classifier.",
        Evaluator = MnistEvaluator.Source,
        TextEncoder = () => new MiniLmTextEncoder(),
        Commands = [PrepareDataCommand.Create(), CaptionCommand.Create(), TrainClassifierCommand.Create(), BenchCommand.Create(), ScalingBenchCommand.Create()],
    });
}
