using System.CommandLine;
using Diffusion.Runtime.Models;

namespace Examples.Mnist.Commands;

/// <summary>The example's declared models by their command-line name: the DiT, the U-Net, and the U-Net's noisy classifier.</summary>
internal static class ExampleModels
{
    public const string Dit = "dit";
    public const string UNet = "unet";
    public const string NoisyClassifier = "noisy-classifier";

    /// <summary>--model for commands that train (or export what was trained): any of the three.</summary>
    public static Option<string> TrainableOption(string what = "What to train")
    {
        var option = new Option<string>("--model") { Description = $"{what}: dit (MnistDiffusion), unet (MnistUNetDiffusion) or noisy-classifier (MnistNoisyClassifier, for classifier guidance).", DefaultValueFactory = _ => Dit };
        option.AcceptOnlyFromAmong(Dit, UNet, NoisyClassifier);
        return option;
    }

    /// <summary>--model for commands that sample: a diffusion model.</summary>
    public static Option<string> DiffusionOption()
    {
        var option = new Option<string>("--model") { Description = "Which diffusion model: dit (MnistDiffusion) or unet (MnistUNetDiffusion); the checkpoint must be of it.", DefaultValueFactory = _ => Dit };
        option.AcceptOnlyFromAmong(Dit, UNet);
        return option;
    }

    public static ITrainableModel CreateTrainable(string name) => name == NoisyClassifier ? new MnistNoisyClassifier() : CreateDiffusion(name);

    public static IDiffusionModel CreateDiffusion(string name) => name == UNet ? new MnistUNetDiffusion() : new MnistDiffusion();
}
