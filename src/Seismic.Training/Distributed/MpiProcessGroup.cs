namespace Seismic.Training.Distributed;

/// <summary>
/// The processes of an MPI job (MPI_COMM_WORLD), over the system's libmpi (Open MPI or an MPICH-ABI library) loaded at
/// run time. MPI is initialised by the first group of the process (MPI_Init_thread, MPI_THREAD_SERIALIZED; calls are
/// serialised by a lock, so any thread may call) and finalised when the last one is disposed; it cannot be initialised
/// again afterwards (an MPI rule). Errors are returned, not fatal (MPI_ERRORS_RETURN): a failing call throws
/// <see cref="MpiException"/>. Create it with <see cref="ProcessGroups.Create(DistributedMode, Func{string, string?})"/>.
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup
{
    private static readonly Lock Gate = new();
    private static int s_open;
    private static bool s_ownsMpi;

    private readonly MpiNative _mpi;
    private bool _disposed;

    private MpiProcessGroup(MpiNative mpi, int rank, int size)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int LocalRank { get; private set; }

    /// <inheritdoc />
    public int LocalSize { get; private set; } = 1;

    /// <summary><c>mpi (Open MPI)</c> or <c>mpi (MPICH ABI)</c>.</summary>
    public string Backend => $"mpi ({_mpi.Implementation})";

    /// <summary>The library file that was loaded, e.g. <c>libmpi.so.40</c>.</summary>
    public string LibraryName => _mpi.LibraryName;

    /// <summary>Loads libmpi, initialises MPI if no one has, and reads this process's rank and size.</summary>
    /// <param name="environment">Reads an environment variable (local rank and size from the launcher).</param>
    /// <param name="libraryNames">The libraries to try, in order.</param>
    /// <exception cref="DistributedUnavailableException">No MPI library loads.</exception>
    /// <exception cref="MpiException">MPI fails to initialise.</exception>
    /// <exception cref="InvalidOperationException">MPI was already finalised in this process.</exception>
    internal static MpiProcessGroup Create(Func<string, string?> environment, IReadOnlyList<string> libraryNames)
    {
        var mpi = MpiNative.Load(libraryNames);
        MpiProcessGroup group;
        lock (Gate)
        {
            if (s_open == 0)
            {
                Check(mpi, mpi.Finalized(out bool finalized), "MPI_Finalized", null);
                if (finalized)
                    throw new InvalidOperationException("MPI was already finalised in this process and cannot be initialised again: create one process group per process and dispose it at the end");
                Check(mpi, mpi.Initialized(out bool initialized), "MPI_Initialized", null);
                if (!initialized)
                {
                    Check(mpi, mpi.InitThread(MpiNative.ThreadSerialized, out _), "MPI_Init_thread", null);
                    s_ownsMpi = true;
                }
                Check(mpi, mpi.SetErrorsReturn(), "MPI_Comm_set_errhandler", null);
            }
            Check(mpi, mpi.CommRank(out int rank), "MPI_Comm_rank", null);
            Check(mpi, mpi.CommSize(out int size), "MPI_Comm_size", null);
            group = new MpiProcessGroup(mpi, rank, size);
            s_open++;
        }

        try
        {
            var local = LaunchEnvironment.Local(environment);
            // Without a size from the launcher, every rank takes part in the host-name exchange (a collective) so that no rank waits alone.
            (group.LocalRank, group.LocalSize) = local is { Size: { } localSize } ? (local.Value.Rank, localSize) : LocalRanks.Compute(group, Environment.MachineName);
        }
        catch
        {
            group.Dispose();
            throw;
        }
        return group;
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        // A span holds at most int.MaxValue elements, MPI's count is an int: one call always suffices.
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fixed (float* p = values) Call(_mpi.AllReduceSumInPlace(p, values.Length, _mpi.Float), "MPI_Allreduce");
        }
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fixed (double* p = values) Call(_mpi.AllReduceSumInPlace(p, values.Length, _mpi.Double), "MPI_Allreduce");
        }
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> data, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fixed (byte* p = data) Call(_mpi.Broadcast(p, data.Length, _mpi.Byte, root), "MPI_Bcast");
        }
    }

    /// <inheritdoc />
    public void Barrier()
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Call(_mpi.Barrier(), "MPI_Barrier");
        }
    }

    /// <summary>
    /// Ends every process of the job (MPI_Abort): what a rank should do when it fails and the others would otherwise wait
    /// for it forever in their next collective.
    /// </summary>
    public void Abort(int errorCode)
    {
        lock (Gate) _mpi.Abort(errorCode);
    }

    /// <summary>Releases this group; the last one of the process finalises MPI if this process initialised it.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (--s_open > 0 || !s_ownsMpi) return;
            s_ownsMpi = false;
            Check(_mpi, _mpi.Finalize(), "MPI_Finalize", this);
        }
    }

    private void Call(int rc, string call)
    {
        if (rc == 0) return; // MPI_SUCCESS
        Check(_mpi, rc, call, this);
    }

    private static void Check(MpiNative mpi, int rc, string call, MpiProcessGroup? group)
    {
        if (rc == 0) return;
        var where = group is null ? "" : $" on rank {group.Rank} of {group.Size}";
        throw new MpiException(call, rc, $"{call} failed{where}: {mpi.ErrorString(rc)} (error {rc}, {mpi.LibraryName})");
    }
}
