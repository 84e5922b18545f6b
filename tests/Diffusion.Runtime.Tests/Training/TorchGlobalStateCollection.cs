using Xunit;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>
/// Tests that build TorchSharp modules draw from (and some seed) libtorch's process-wide default generator, which
/// parallel test classes would otherwise race on. This collection runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "Torch global state";
}
