using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Diffusion.Cli.Training;

/// <summary>
/// Ctrl+C and SIGTERM for a command that trains: instead of ending the process they stop training like the time
/// budget, after the current step and with a checkpoint of it, so the run can be resumed. Dispose to restore the default.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private readonly string tag;

    public StopSignal(string tag)
    {
        this.tag = tag;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled once a signal arrived.</summary>
    public CancellationToken Token => stop.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Error.WriteLine($"{tag} {context.Signal}: stopping after the current step");
        stop.Cancel();
    }

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        stop.Dispose();
    }
}
