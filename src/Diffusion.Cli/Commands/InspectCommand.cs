using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;

namespace Diffusion.Cli.Commands;

/// <summary>inspect: a schedule's tables as CSV or JSON, and a PNG plot of them.</summary>
internal static class InspectCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var kind = new Option<string>("--schedule") { Description = "model (the --model's declared schedule), linear, cosine or scaled-linear.", DefaultValueFactory = _ => "model" };
        kind.AcceptOnlyFromAmong("model", "linear", "cosine", "scaled-linear");
        var timesteps = CliOptions.Positive("--timesteps", 1000, "T of a named schedule (ignored for 'model').");
        var model = ModelOption.Diffusion(catalog, "Whose schedule --schedule model shows");
        var zeroTerminal = new Option<bool>("--zero-terminal-snr") { Description = "Rescale to abar_T = 0 (Lin et al. 2024)." };
        var steps = new Option<int?>("--steps") { Description = "Show the process respaced to this many evenly spaced steps (as samplers use it)." };
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out") { Description = "Write the table to this file instead of the console." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the tables into this PNG file." };
        var force = CliOptions.Force();
        var command = new Command("inspect", "Print a noise schedule's tables (betas, cumulative products, posterior variance and coefficients, SNR) and plot them.")
        {
            model.Option, kind, timesteps, zeroTerminal, steps, format, output, plot, force,
        };
        CommandAction.Set(command, parse =>
        {
            // A table is replaced without --force only when it is one this command wrote (it starts with its header).
            string? table = parse.GetValue(output) is { } tablePath
                ? OutputPath.CheckFile(tablePath, "--out", parse.GetValue(force), path => StartsLikeOwnTable(path, parse.GetValue(format)!), [])
                : null;
            string? picture = parse.GetValue(plot) is { } plotPath ? CliOptions.PngOutput(plotPath, "--plot", parse.GetValue(force), []) : null;
            if (table is not null && table == picture) throw new CommandLineException($"--out and --plot are the same file ({table}); give two paths.");
            int t = parse.GetValue(timesteps);
            string name = parse.GetValue(kind)!;
            string title = name;
            var schedule = name switch
            {
                "linear" => NoiseSchedule.Linear(t),
                "cosine" => NoiseSchedule.Cosine(t),
                "scaled-linear" => NoiseSchedule.ScaledLinear(t),
                _ => ModelSchedule(model.Resolve(parse), out title),
            };
            if (parse.GetValue(zeroTerminal)) schedule = schedule.RescaleToZeroTerminalSnr();
            if (parse.GetValue(steps) is { } count)
            {
                if (count < 1 || count > schedule.Length) throw new CommandLineException($"--steps {count}: use 1..{schedule.Length}.");
                schedule = schedule.Respace(NoiseSchedule.EvenlySpacedSteps(schedule.Length, count));
            }

            if (table is not null)
            {
                using var buffer = new MemoryStream();
                Write(schedule, parse.GetValue(format)!, buffer);
                AtomicFile.Write(table, buffer.ToArray());
                Console.Error.WriteLine($"[inspect] wrote {schedule.Length} rows to {table}");
            }
            else
            {
                using var console = Console.OpenStandardOutput();
                Write(schedule, parse.GetValue(format)!, console);
            }
            if (picture is not null)
            {
                SchedulePlot.Write(schedule, picture, $"{title}, {schedule.Length} steps");
                Console.Error.WriteLine($"[inspect] drew {picture}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The declared model's training schedule, and a title naming it.</summary>
    private static NoiseSchedule ModelSchedule(ModelEntry entry, out string title)
    {
        var diffusion = LoadedModel.Diffusion(entry);
        title = $"{diffusion.Description.Name}'s {diffusion.Description.Schedule} schedule";
        return diffusion.Schedule;
    }

    /// <summary>Whether the file starts as this command's CSV ("step,beta...") or JSON ({"length": ...) table does.</summary>
    private static bool StartsLikeOwnTable(string path, string format)
    {
        if (PathKinds.Of(path) != PathKind.Regular) return false;
        var head = File.ReadLines(path).Take(2).ToArray();
        return format == "json"
            ? head.Length == 2 && head[0] == "{" && head[1].TrimStart().StartsWith("\"length\":", StringComparison.Ordinal)
            : head.Length >= 1 && head[0].StartsWith("step,", StringComparison.Ordinal);
    }

    private static void Write(NoiseSchedule schedule, string format, Stream stream)
    {
        if (format == "json")
        {
            ScheduleTable.WriteJson(schedule, stream);
            return;
        }
        using var writer = new StreamWriter(stream, leaveOpen: true);
        ScheduleTable.WriteCsv(schedule, writer);
    }
}
