namespace Examples.Mnist.Benchmarks;

/// <summary>
/// The benchmark's settings after parsing. Null sizes mean each model's own default (<see cref="BenchTarget"/>);
/// <see cref="RssSteps"/> = 0 skips the resident-memory runs; <see cref="PythonScript"/> = null times this side only;
/// <see cref="Precision"/> is our side's sampling precision (training and the PyTorch peer stay float32).
/// </summary>
internal sealed record BenchOptions(
    int Repeats,
    int Threads,
    string Device,
    int? Batch,
    int? TrainSteps,
    int? Samples,
    int SamplingSteps,
    int? RssSteps,
    string Python,
    string? PythonScript,
    int MatmulSize,
    int MatmulRepeats,
    Diffusion.Runtime.Networks.MatmulPrecision Precision = Diffusion.Runtime.Networks.MatmulPrecision.Float32);
