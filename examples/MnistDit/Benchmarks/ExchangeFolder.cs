using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using static TorchSharp.torch;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// A temporary folder through which this process hands the PyTorch peer what it must share: the network's weights
/// under their reference DiT names, the schedule tables the generated code reads, and the forward check's inputs, all
/// as safetensors. Deleted on dispose.
/// </summary>
internal sealed class ExchangeFolder : IDisposable
{
    private ExchangeFolder(string path) => Path = path;

    public string Path { get; }

    public string Weights => System.IO.Path.Combine(Path, "weights.safetensors");

    public string Tables => System.IO.Path.Combine(Path, "tables.safetensors");

    public string Inputs => System.IO.Path.Combine(Path, "inputs.safetensors");

    public string PeerOutput => System.IO.Path.Combine(Path, "pytorch-output.safetensors");

    public static ExchangeFolder Create() => new(Directory.CreateTempSubdirectory("dit-bench-").FullName);

    /// <summary>
    /// Writes the network's state dict (its keys are the reference DiT's, which the peer loads strictly) and the
    /// tables: the training schedule's sqrt(abar_t) and sqrt(1 - abar_t), and for each DDIM step count the respaced
    /// process's timesteps, sqrt(abar), sqrt(1 - abar) and abar_prev, exactly as the generated SampleDdim reads them.
    /// </summary>
    public void WriteModel(IDiffusionModel model, IEnumerable<int> ddimStepCounts)
    {
        SafetensorsFile.Write(Weights, model.Network.state_dict());

        using var scope = NewDisposeScope();
        var schedule = model.Schedule;
        var tables = new Dictionary<string, Tensor>
        {
            ["train.sqrt_alphas_cumprod"] = Doubles(schedule.SqrtAlphasCumprod),
            ["train.sqrt_one_minus_alphas_cumprod"] = Doubles(schedule.SqrtOneMinusAlphasCumprod),
        };
        foreach (int steps in ddimStepCounts.Distinct())
        {
            var process = schedule.Respace(NoiseSchedule.EvenlySpacedSteps(model.Description.Timesteps, steps));
            tables[$"ddim{steps}.timesteps"] = tensor(process.TimestepMap.Select(t => (long)t).ToArray());
            tables[$"ddim{steps}.sqrt_alphas_cumprod"] = Doubles(process.SqrtAlphasCumprod);
            tables[$"ddim{steps}.sqrt_one_minus_alphas_cumprod"] = Doubles(process.SqrtOneMinusAlphasCumprod);
            tables[$"ddim{steps}.alphas_cumprod_prev"] = Doubles(process.AlphasCumprodPrev);
        }
        SafetensorsFile.Write(Tables, tables);
    }

    /// <summary>The network's sizes for the peer's DiT constructor: the description's network entries plus T.</summary>
    public static JsonObject Config(ModelDescription description)
    {
        var config = new JsonObject();
        foreach (var (key, value) in description.Network) config[key] = value;
        config["timesteps"] = description.Timesteps;
        config["classes"] = description.Classes ?? throw new ArgumentException($"{description.Name} is unconditional; the benchmark times guided sampling and needs a class-conditional model.");
        return config;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; the benchmark's figures are already printed.
        }
    }

    private static Tensor Doubles(IReadOnlyList<double> values) => tensor(values.ToArray(), dtype: ScalarType.Float64);
}
