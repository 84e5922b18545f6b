using Diffusion.Cli;

namespace HostTestApp;

/// <summary>What a user writes besides the declarations: one line, naming the text encoder of its text model.</summary>
public static class Program
{
    public static int Main(string[] args) => DiffusionHost.Run(args, DeclaredModels.Catalog, new HostOptions { TextEncoder = () => new LetterEncoder() });
}
