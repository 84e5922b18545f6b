using System;
using System.CommandLine;
using Examples.Mnist.Commands;

namespace Examples.Mnist;

/// <summary>The MNIST DiT example's command line: prepare-data, train, sample, train-classifier, evaluate, compare-guidance, noisy-accuracy, eval, inspect, bench, release.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Train and sample the class-conditional MNIST Diffusion Transformer (MnistDiffusion.cs) and U-Net (MnistUNet.cs), and guide them with a noisy classifier.")
        {
            PrepareDataCommand.Create(),
            TrainCommand.Create(),
            SampleCommand.Create(),
            TrainClassifierCommand.Create(),
            EvaluateCommand.Create(),
            GuidanceCommand.Create(),
            NoisyAccuracyCommand.Create(),
            LikelihoodCommand.Create(),
            InspectCommand.Create(),
            BenchCommand.Create(),
            ReleaseCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
