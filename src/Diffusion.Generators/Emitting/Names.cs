namespace Diffusion.Generators.Emitting;

/// <summary>The fully qualified names the generated code uses.</summary>
internal static class Names
{
    public const string Torch = "global::TorchSharp.torch";
    public const string Tensor = "global::TorchSharp.torch.Tensor";
    public const string Nn = "global::TorchSharp.torch.nn";
    public const string Init = "global::TorchSharp.torch.nn.init";
    public const string Functional = "global::TorchSharp.torch.nn.functional";
    public const string Modules = "global::TorchSharp.Modules";
    public const string Generator = "global::TorchSharp.torch.Generator";
    public const string Int64 = "global::TorchSharp.torch.ScalarType.Int64";
    public const string Float32 = "global::TorchSharp.torch.ScalarType.Float32";
    public const string NoiseSchedule = "global::Diffusion.Runtime.Schedules.NoiseSchedule";
    public const string RuntimeModels = "global::Diffusion.Runtime.Models";
    public const string RuntimeSampling = "global::Diffusion.Runtime.Sampling";
    public const string Dsl = "global::Diffusion.Dsl";
    public const string Math = "global::System.Math";
}
