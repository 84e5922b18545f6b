using System;
using System.CommandLine;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli.Commands;

/// <summary>release: a checkpoint's EMA weights (float16 by default) and config.json, the form the reference is shipped in.</summary>
internal static class ReleaseCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A training checkpoint or run folder (its latest checkpoint).");
        var output = CliOptions.RequiredPath("--out", "The release folder to write: new, empty, or an earlier release (anything else only with --force; never the checkpoint or its run folder).");
        var float32 = new Option<bool>("--float32") { Description = "Keep float32 weights (default: float16, half the size; fixed tensors such as pos_embed stay exact either way)." };
        var force = CliOptions.Force();
        var model = ModelOption.Trainable(catalog, "Which model the checkpoint is of; its EMA weights are checked against it");
        var command = new Command("release", "Export a checkpoint's EMA weights for sampling.") { model.Option, checkpoint, output, float32, force };
        CommandAction.Set(command, parse =>
        {
            // The model is what the EMA file is checked against (keys and shapes) before a release with fresh checksums is written.
            var trainable = model.Resolve(parse).Factory();
            string written = ReleaseExport.Export(parse.GetValue(checkpoint)!, parse.GetValue(output)!, trainable, float16: !parse.GetValue(float32), force: parse.GetValue(force));
            Console.WriteLine($"[release] wrote {written}");
            return 0;
        });
        return command;
    }
}
