using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Cli;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// The PyTorch side: bench/pytorch_dit.py as a child process, driven by one JSON line per request on its stdin and
/// answering one JSON line on its stdout; its stderr goes straight to this console. It stays alive for one model, so
/// phases alternate with this process's without re-importing PyTorch, and its peak memory is its own model's.
/// </summary>
internal sealed class PyTorchPeer : IBenchSide
{
    private readonly Process process;

    private PyTorchPeer(Process process, JsonObject hello)
    {
        this.process = process;
        TorchVersion = hello["torch"]!.GetValue<string>();
        PackageVersion = hello["package"]!.GetValue<string>();
        BlasVersion = hello["blas"]!.GetValue<string>();
        PythonVersion = hello["python"]!.GetValue<string>();
        Threads = hello["threads"]!.GetValue<int>();
        // Debian's build reports torch.__version__ "1.13.0a0"; the package version (1.13.1+dfsg-4) is the release.
        string release = PackageVersion.Split('+', '-')[0];
        Name = $"PyTorch {(release.Length > 0 && release != "unknown" ? release : TorchVersion)}";
    }

    public string Name { get; }

    /// <summary>torch.__version__ as the peer reports it.</summary>
    public string TorchVersion { get; }

    /// <summary>The Debian package version of python3-torch.</summary>
    public string PackageVersion { get; }

    /// <summary>The Debian package version of libopenblas0-pthread.</summary>
    public string BlasVersion { get; }

    /// <summary>The peer's Python version.</summary>
    public string PythonVersion { get; }

    /// <summary>torch.get_num_threads() in the peer.</summary>
    public int Threads { get; }

    /// <summary>Starts the peer with the same thread count as this process and checks it answers.</summary>
    /// <exception cref="CommandLineException">The interpreter or the script is missing, or PyTorch does not import.</exception>
    public static PyTorchPeer Start(string python, string script, int threads)
    {
        if (!File.Exists(python))
            throw new CommandLineException($"--python {python}: no such interpreter. The PyTorch baseline needs Debian's python3-torch: run bench/setup-pytorch.sh (or pass --no-pytorch to time this side only).");
        if (!File.Exists(script))
            throw new CommandLineException($"{script}: the PyTorch peer script is missing; run the benchmark from a checkout of the repository (or pass --pytorch-script).");
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(script))!,
        };
        start.ArgumentList.Add(Path.GetFullPath(script));
        start.ArgumentList.Add("--json");
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // OpenBLAS and OpenMP read their thread counts from the environment before torch.set_num_threads runs.
        start.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";    // no __pycache__ beside the scripts in the checkout
        var process = Process.Start(start) ?? throw new CommandLineException($"could not start {python}.");
        JsonObject hello;
        try
        {
            hello = Request(process, new JsonObject { ["cmd"] = "hello" });
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
        return new PyTorchPeer(process, hello);
    }

    /// <summary>Builds the reference DiT from <paramref name="config"/>, loads the exported weights strictly, and creates torch.optim.AdamW.</summary>
    public long Load(JsonObject config, string weights, string tables, double learningRate, double weightDecay)
    {
        var answer = Send(new JsonObject
        {
            ["cmd"] = "load", ["config"] = config, ["weights"] = weights, ["tables"] = tables,
            ["lr"] = learningRate, ["weight_decay"] = weightDecay,
        });
        return answer["parameters"]!.GetValue<long>();
    }

    /// <summary>One forward pass in eval mode on the inputs file's x, t, y; the output goes to <paramref name="output"/>.</summary>
    public void Forward(string inputs, string output) =>
        Send(new JsonObject { ["cmd"] = "forward", ["inputs"] = inputs, ["out"] = output });

    public double MatmulGflops(int size, int repeats) =>
        Send(new JsonObject { ["cmd"] = "matmul", ["size"] = size, ["repeats"] = repeats })["gflops"]!.GetValue<double>();

    public PhaseTiming Train(int batch, int warmup, int steps, long seed) =>
        Timing(Send(new JsonObject { ["cmd"] = "train", ["batch"] = batch, ["warmup"] = warmup, ["steps"] = steps, ["seed"] = seed }));

    public StepSplit TrainSplit(int batch, int steps, long seed)
    {
        var answer = Send(new JsonObject { ["cmd"] = "train_split", ["batch"] = batch, ["steps"] = steps, ["seed"] = seed });
        return new StepSplit(answer["forward_ms"]!.GetValue<double>(), answer["backward_ms"]!.GetValue<double>(), answer["optimizer_ms"]!.GetValue<double>());
    }

    public PhaseTiming Sample(int count, int steps, int warmupSteps, double guidance, long seed) =>
        Timing(Send(new JsonObject { ["cmd"] = "sample", ["count"] = count, ["steps"] = steps, ["warmup_steps"] = warmupSteps, ["guidance"] = guidance, ["seed"] = seed }));

    public IReadOnlyList<RssPoint> RssTrain(int batch, int steps, int every, long seed) =>
        Trace(Send(new JsonObject { ["cmd"] = "rss_train", ["batch"] = batch, ["steps"] = steps, ["every"] = every, ["seed"] = seed }));

    public IReadOnlyList<RssPoint> RssSample(int count, int steps, int every, double guidance, long seed) =>
        Trace(Send(new JsonObject { ["cmd"] = "rss_sample", ["count"] = count, ["steps"] = steps, ["every"] = every, ["guidance"] = guidance, ["seed"] = seed }));

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("{\"cmd\": \"quit\"}");
                process.StandardInput.Close();
                if (!process.WaitForExit(10_000)) process.Kill();
            }
        }
        catch (IOException)
        {
            // The peer already closed its end: nothing left to stop.
        }
        process.Dispose();
    }

    private JsonObject Send(JsonObject request) => Request(process, request);

    private static JsonObject Request(Process process, JsonObject request)
    {
        string cmd = request["cmd"]!.GetValue<string>();
        string? line;
        try
        {
            process.StandardInput.WriteLine(request.ToJsonString());
            process.StandardInput.Flush();
            line = process.StandardOutput.ReadLine();
        }
        catch (IOException e)
        {
            throw new CommandLineException($"the PyTorch peer stopped during '{cmd}' ({e.Message}); its messages are above.");
        }
        if (line is null)
        {
            process.WaitForExit(5_000);
            string code = process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
            throw new CommandLineException($"the PyTorch peer exited (code {code}) during '{cmd}'; its messages are above. If PyTorch does not import, run bench/setup-pytorch.sh.");
        }
        JsonObject answer;
        try
        {
            answer = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new CommandLineException($"the PyTorch peer answered '{cmd}' with a line that is not a JSON object ({e.Message}): {line}");
        }
        if (answer["error"] is { } error)
            throw new CommandLineException($"the PyTorch peer failed '{cmd}': {error.GetValue<string>()}");
        return answer;
    }

    private static PhaseTiming Timing(JsonObject answer) =>
        new(answer["seconds"]!.GetValue<double>(), answer["cpu_seconds"]!.GetValue<double>(), answer["peak_mib"]!.GetValue<double>());

    private static IReadOnlyList<RssPoint> Trace(JsonObject answer) =>
        answer["rss"]!.AsArray().Select(p => new RssPoint(p![0]!.GetValue<long>(), p[1]!.GetValue<double>())).ToList();
}
