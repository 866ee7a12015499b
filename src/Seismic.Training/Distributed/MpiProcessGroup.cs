namespace Seismic.Training.Distributed;

/// <summary>
/// The processes of an MPI job (MPI_COMM_WORLD), over the system's libmpi (Open MPI or an MPICH-ABI library) loaded at
/// run time. MPI is initialised by the first group of the process (MPI_Init_thread, MPI_THREAD_SERIALIZED; calls are
/// serialised by a lock, so any thread may call) and finalised when the last one is disposed; it cannot be initialised
/// again afterwards (an MPI rule). Errors are returned, not fatal (MPI_ERRORS_RETURN): a failing call throws
/// <see cref="MpiException"/>. A watchdog aborts the job when a collective waits longer than
/// <see cref="ProcessGroupOptions.CollectiveTimeout"/>. Create it with <see cref="ProcessGroups.Create(ProcessGroupOptions?, Func{string, string?})"/>.
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup
{
    private static readonly Lock Gate = new();
    private static int s_open;
    private static bool s_ownsMpi;

    /// <summary>The exit code of a job aborted by the collective timeout (124, as <c>timeout(1)</c>'s).</summary>
    public const int TimeoutExitCode = 124;

    private readonly MpiNative _mpi;
    private readonly TimeSpan _timeout;
    private readonly Timer? _watchdog;
    private bool _disposed;
    // The collective this rank is waiting in, and since when (Stopwatch ticks); read by the watchdog's thread.
    private volatile string? _waitingIn;
    private long _waitingSince;

    private MpiProcessGroup(MpiNative mpi, int rank, int size, TimeSpan timeout)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
        _timeout = timeout;
        if (timeout == Timeout.InfiniteTimeSpan) return;
        // Checked often enough that the job ends within a tenth of the timeout (at most 5 s) after it passes.
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 5));
        _watchdog = new Timer(_ => Watch(), null, period, period);
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
    /// <param name="collectiveTimeout">See <see cref="ProcessGroupOptions.CollectiveTimeout"/>.</param>
    /// <exception cref="DistributedUnavailableException">No MPI library loads, or the launcher started more processes than MPI sees.</exception>
    /// <exception cref="MpiException">MPI fails to initialise.</exception>
    /// <exception cref="InvalidOperationException">MPI was already finalised in this process.</exception>
    internal static MpiProcessGroup Create(Func<string, string?> environment, IReadOnlyList<string> libraryNames, TimeSpan collectiveTimeout)
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
            group = new MpiProcessGroup(mpi, rank, size, collectiveTimeout);
            s_open++;
        }

        try
        {
            // Started by one implementation's launcher and linked to another's libmpi, every process is a job of one and
            // would train alone, silently: compare with the launcher's count.
            if (LaunchEnvironment.WorldSize(environment) is { } launched && launched != group.Size)
                throw new DistributedUnavailableException(
                    $"The launcher started {launched} processes ({LaunchEnvironment.WorldSizeVariable(environment)}={launched}), but {mpi.LibraryName} ({mpi.Implementation}) " +
                    $"sees a job of {group.Size}: the launcher and the MPI library come from different MPI implementations (e.g. MPICH's mpiexec with Open MPI's " +
                    "libmpi). Start the job with the mpirun of the library that is loaded, or install only one MPI");
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
        fixed (float* p = values)
        {
            float* q = p;
            int n = values.Length;
            Collective("MPI_Allreduce", () => _mpi.AllReduceSumInPlace(q, n, _mpi.Float));
        }
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values)
        {
            double* q = p;
            int n = values.Length;
            Collective("MPI_Allreduce", () => _mpi.AllReduceSumInPlace(q, n, _mpi.Double));
        }
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> data, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        fixed (byte* p = data)
        {
            byte* q = p;
            int n = data.Length;
            Collective("MPI_Bcast", () => _mpi.Broadcast(q, n, _mpi.Byte, root));
        }
    }

    /// <inheritdoc />
    public void Barrier() => Collective("MPI_Barrier", _mpi.Barrier);

    /// <summary>
    /// Ends every process of the job (MPI_Abort; <c>mpirun</c> exits with <paramref name="errorCode"/>): what a rank does
    /// when it fails and the others would otherwise wait for it forever in their next collective. Does not return.
    /// </summary>
    public void Abort(int errorCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        // Not under the lock: the watchdog aborts while this rank's own thread waits inside a collective.
        _mpi.Abort(errorCode);
        Environment.Exit(errorCode); // MPI_Abort returned (it should not): end this process at least
    }

    /// <summary>Runs one collective call under the lock, visible to the watchdog while it waits.</summary>
    private void Collective(string call, Func<int> run)
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Volatile.Write(ref _waitingSince, System.Diagnostics.Stopwatch.GetTimestamp());
            _waitingIn = call;
            try
            {
                Call(run(), call);
            }
            finally
            {
                _waitingIn = null;
            }
        }
    }

    private void Watch()
    {
        if (_waitingIn is not { } call) return;
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _waitingSince));
        if (waited < _timeout || _waitingIn is null) return;
        Console.Error.WriteLine($"error: rank {Rank} of {Size}: {call} has waited {waited.TotalSeconds:F0} s for the other ranks, longer than the " +
                                $"collective timeout ({_timeout.TotalSeconds:F0} s): a rank has died or hangs; aborting the job");
        Abort(TimeoutExitCode);
    }
    /// <summary>Releases this group; the last one of the process finalises MPI if this process initialised it.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed) return;
            _disposed = true;
            _watchdog?.Dispose();
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
