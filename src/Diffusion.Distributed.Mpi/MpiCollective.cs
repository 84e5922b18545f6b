using System;
using System.Reflection;
using System.Threading;
using System.Runtime.InteropServices;
using Diffusion.Runtime.Distributed;
using MPI;

namespace Diffusion.Distributed.Mpi;

/// <summary>
/// The <see cref="ICollective"/> of an MPI job's world communicator, through MPI.NET 1.4.0 on MPICH: sums are
/// MPI_Allreduce with MPI_SUM on MPI_FLOAT, broadcasts MPI_Bcast. Create it once per process, after the launcher
/// started it (<see cref="MpiLaunch.IsLaunched"/>); disposing it finalizes MPI.
/// </summary>
/// <remarks>
/// MPI.NET imports MS-MPI's <c>msmpi.dll</c>. MPICH keeps the same ABI (integer handles, the same constants), so on
/// Linux the import is resolved to MPICH's <c>libmpich.so.12</c>; Open MPI's ABI (pointer handles) differs, and MPI.NET
/// cannot use it.
/// </remarks>
public sealed class MpiCollective : ICollective
{
    /// <summary>The MPICH library the MS-MPI import is mapped to on Linux.</summary>
    public const string MpichLibrary = "libmpich.so.12";

    private static int resolverRegistered;
    private readonly MPI.Environment environment;
    private readonly Intracommunicator world;
    private float[] received = [];

    private MpiCollective(MPI.Environment environment, Intracommunicator world)
    {
        this.environment = environment;
        this.world = world;
    }

    /// <summary>
    /// Initializes MPI (MPI_Init) and returns the world communicator's collective.
    /// </summary>
    /// <exception cref="InvalidOperationException">MPICH's library cannot be loaded; the message names it and the
    /// package that provides it.</exception>
    public static MpiCollective Start()
    {
        if (OperatingSystem.IsLinux() && Interlocked.Exchange(ref resolverRegistered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(MPI.Environment).Assembly, Resolve);
        try
        {
            string[] args = [];
            var environment = new MPI.Environment(ref args);
            return new MpiCollective(environment, Communicator.world);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                $"This process was started by an MPI launcher ({MpiLaunch.RankVariable} and {MpiLaunch.SizeVariable} are set) but MPI cannot load: "
                + $"{(OperatingSystem.IsLinux() ? MpichLibrary : "msmpi.dll")} is missing or unusable ({e.Message}). Install MPICH "
                + "(Debian/Ubuntu: apt-get install mpich libmpich-dev) and launch with its mpiexec; Open MPI's library does not fit.", e);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
        return NativeLibrary.TryLoad(MpichLibrary, assembly, path, out var handle)
            ? handle
            : throw new DllNotFoundException($"Unable to load {MpichLibrary} (MPICH) for MPI.NET's import of {name}.");
    }

    /// <inheritdoc/>
    public int Rank => world.Rank;

    /// <inheritdoc/>
    public int Size => world.Size;

    /// <inheritdoc/>
    public void AllReduceSum(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (received.Length != values.Length) received = new float[values.Length];
        world.Allreduce(values, Operation<float>.Add, ref received);
        received.AsSpan().CopyTo(values);
    }

    /// <inheritdoc/>
    public void Broadcast(float[] values, int root)
    {
        ArgumentNullException.ThrowIfNull(values);
        var buffer = values;
        world.Broadcast(ref buffer, root);
        if (!ReferenceEquals(buffer, values)) buffer.AsSpan().CopyTo(values); // MPI.NET may hand back a new array
    }

    /// <inheritdoc/>
    public void Barrier() => world.Barrier();

    /// <inheritdoc/>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        world.Abort(exitCode);
    }

    /// <summary>Finalizes MPI (every rank must, after its last collective).</summary>
    public void Dispose() => environment.Dispose();
}
