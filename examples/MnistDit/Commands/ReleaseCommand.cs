using System;
using System.CommandLine;
using Diffusion.Runtime.Checkpoints;

namespace Examples.Mnist.Commands;

/// <summary>release: a checkpoint's EMA weights (float16 by default) and config.json, the form the reference is shipped in.</summary>
internal static class ReleaseCommand
{
    public static Command Create()
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A training checkpoint or run folder (its latest checkpoint).");
        var output = CliOptions.RequiredPath("--out", "The release folder to write (replaced if it exists).");
        var float32 = new Option<bool>("--float32") { Description = "Keep float32 weights (default: float16, half the size)." };
        var command = new Command("release", "Export a checkpoint's EMA weights for sampling.") { checkpoint, output, float32 };
        CommandAction.Set(command, parse =>
        {
            string written = CheckpointStore.ExportForRelease(parse.GetValue(checkpoint)!, parse.GetValue(output)!, float16: !parse.GetValue(float32));
            Console.WriteLine($"[release] wrote {written}");
            return 0;
        });
        return command;
    }
}
