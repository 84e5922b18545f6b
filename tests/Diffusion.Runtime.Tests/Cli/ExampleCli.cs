using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Diffusion.Runtime.Tests.Data;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// Runs the example's command line (examples/MnistDit, built before this project through a project reference) as a
/// child process, the way a user does: <c>dotnet MnistDit.dll ...</c>. A child process, not an in-process call, so that
/// the tests see exactly what a user sees (exit code, standard error) and can kill it.
/// </summary>
internal static class ExampleCli
{
    private static readonly Lazy<string> Dll = new(Locate);
    private static readonly Lazy<string> Root = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"No Dsl.sln above '{AppContext.BaseDirectory}': cannot find the example to run.");
    });

    /// <summary>MnistDit.dll of the same configuration (Debug/Release) as this test assembly.</summary>
    public static string DllPath => Dll.Value;

    /// <summary>The repository root (the folder of Dsl.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    private static string Locate() => Built(Path.Combine("examples", "MnistDit"), "MnistDit");

    /// <summary>The program <paramref name="name"/>.dll of <paramref name="project"/>, built in this test assembly's configuration.</summary>
    public static string Built(string project, string name)
    {
        // This assembly runs from tests/Diffusion.Runtime.Tests/bin/{Configuration}/{tfm}/.
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string tfm = output.Name, configuration = output.Parent!.Name;
        string dll = Path.Combine(RepositoryRoot, project, "bin", configuration, tfm, $"{name}.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"'{dll}' is missing: build {project} -c {configuration} (this project's reference to it normally does).");
        return dll;
    }

    /// <summary>
    /// The start info for <c>dotnet MnistDit.dll args</c>, output redirected. libtorch gets one thread: every run then
    /// does its floating-point reductions in the same order (exact comparisons across runs rely on it), and parallel
    /// children do not fight over the cores.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args) => StartInfo(DllPath, args);

    /// <summary>As <see cref="StartInfo(IEnumerable{string})"/>, for the program <paramref name="dll"/>.</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args)
    {
        string host = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["MKL_NUM_THREADS"] = "1";
        return info;
    }

    /// <summary>Runs to completion (at most <paramref name="timeout"/>) and returns the exit code and both outputs.</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] args) => Run(StartInfo(args), timeout);

    /// <summary>As <see cref="Run(TimeSpan, string[])"/>, with a prepared start info (working folder, environment).</summary>
    public static (int ExitCode, string Output, string Error) Run(ProcessStartInfo info, TimeSpan timeout)
    {
        var args = info.ArgumentList.Skip(1);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not finish within {timeout}.");
        }
        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Writes a tiny MNIST-shaped dataset: folders 0..9 of <paramref name="perClass"/> 28x28 grayscale PNGs each, with
    /// seeded random pixels. Returns the folder.
    /// </summary>
    public static string WriteDigits(string folder, int perClass, int seed = 1)
    {
        var random = new Random(seed);
        for (int digit = 0; digit < 10; digit++)
            for (int i = 0; i < perClass; i++)
                TempFolder.WriteGray(Path.Combine(folder, digit.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{i}.png"), 28, 28, (_, _) => (byte)random.Next(256));
        return folder;
    }

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="process"/> exits; false on timeout.</summary>
    public static bool WaitFor(Func<bool> condition, Process process, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited || watch.Elapsed > timeout) return false;
            Thread.Sleep(1);
        }
        return true;
    }
}
