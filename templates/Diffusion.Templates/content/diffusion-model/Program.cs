using Diffusion.Cli;

namespace MyModel;

/// <summary>The whole program: the host reads the command line (train, sample, evaluate, eval, inspect, release).</summary>
public static class Program
{
    public static int Main(string[] args) => DiffusionHost.Run(args, DeclaredModels.Catalog);
}
