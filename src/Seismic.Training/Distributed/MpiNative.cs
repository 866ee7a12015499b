using System.Runtime.InteropServices;
using System.Text;

namespace Seismic.Training.Distributed;

/// <summary>
/// The few functions of the MPI C API that <see cref="MpiProcessGroup"/> needs, bound at run time with
/// <see cref="NativeLibrary"/> so that nothing needs MPI to build, and so that Open MPI's and MPICH's ABIs both work.
/// The two differ in their handles: Open MPI's are addresses of exported objects (<c>ompi_mpi_comm_world</c>, ...),
/// MPICH's (and Intel MPI's, MVAPICH's) are integer constants from its mpi.h; <c>MPI_IN_PLACE</c> is <c>(void*)1</c> in
/// Open MPI and <c>(void*)-1</c> in MPICH.
/// </summary>
internal sealed unsafe class MpiNative
{
    /// <summary>The libraries tried, in order: Open MPI 3-5's runtime, any development symlink, then MPICH's ABI.</summary>
    public static readonly IReadOnlyList<string> DefaultLibraryNames = ["libmpi.so.40", "libmpi.so", "libmpich.so.12", "libmpi.so.12"];

    // MPI_THREAD_SERIALIZED is 2 in both ABIs: any thread may call, one at a time (MpiProcessGroup locks).
    public const int ThreadSerialized = 2;

    // MPICH ABI constants, from MPICH's mpi.h.
    private const int MpichCommWorld = 0x44000000;
    private const int MpichFloat = 0x4c00040a;
    private const int MpichDouble = 0x4c00080b;
    private const int MpichByte = 0x4c00010d;
    private const int MpichSum = 0x58000003;
    private const int MpichErrorsReturn = 0x54000001;

    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, nint, int> _commSetErrhandler;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;

    private MpiNative(string library, nint handle)
    {
        LibraryName = library;
        _initialized = (delegate* unmanaged<int*, int>)Function(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Function(handle, "MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Function(handle, "MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)Function(handle, "MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)Function(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Function(handle, "MPI_Comm_size");
        _commSetErrhandler = (delegate* unmanaged<nint, nint, int>)Function(handle, "MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Function(handle, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Function(handle, "MPI_Bcast");
        _barrier = (delegate* unmanaged<nint, int>)Function(handle, "MPI_Barrier");
        _abort = (delegate* unmanaged<nint, int, int>)Function(handle, "MPI_Abort");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Function(handle, "MPI_Error_string");

        if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out var commWorld))
        {
            Implementation = "Open MPI";
            CommWorld = commWorld;
            Float = NativeLibrary.GetExport(handle, "ompi_mpi_float");
            Double = NativeLibrary.GetExport(handle, "ompi_mpi_double");
            Byte = NativeLibrary.GetExport(handle, "ompi_mpi_byte");
            Sum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
            ErrorsReturn = NativeLibrary.GetExport(handle, "ompi_mpi_errors_return");
            InPlace = 1;
        }
        else
        {
            Implementation = "MPICH ABI";
            (CommWorld, Float, Double, Byte, Sum, ErrorsReturn) = (MpichCommWorld, MpichFloat, MpichDouble, MpichByte, MpichSum, MpichErrorsReturn);
            InPlace = -1;
        }
    }

    /// <summary>The library that was loaded.</summary>
    public string LibraryName { get; }

    /// <summary><c>Open MPI</c> or <c>MPICH ABI</c>.</summary>
    public string Implementation { get; }

    public nint CommWorld { get; }
    public nint Float { get; }
    public nint Double { get; }
    public nint Byte { get; }
    public nint Sum { get; }
    public nint ErrorsReturn { get; }
    public nint InPlace { get; }

    /// <summary>Loads the first of <paramref name="libraryNames"/> that the loader finds.</summary>
    /// <exception cref="DistributedUnavailableException">None loads, or one lacks an MPI function; the message lists what was tried.</exception>
    public static MpiNative Load(IReadOnlyList<string> libraryNames)
    {
        var failures = new List<string>();
        foreach (var name in libraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                failures.Add(name);
                continue;
            }
            try
            {
                return new MpiNative(name, handle);
            }
            catch (EntryPointNotFoundException e)
            {
                failures.Add($"{name} ({e.Message})");
            }
        }
        throw new DistributedUnavailableException(
            $"MPI is needed but no MPI library could be loaded (tried {string.Join(", ", failures)}). " +
            "Fix: install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin) and start the processes with mpirun, " +
            "or run as a single process (no mpirun, distributed mode Single).");
    }

    private static nint Function(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"{name} is missing");

    public int Initialized(out bool value) { int flag; int rc = _initialized(&flag); value = flag != 0; return rc; }

    public int Finalized(out bool value) { int flag; int rc = _finalized(&flag); value = flag != 0; return rc; }

    public int InitThread(int required, out int provided) { int p; int rc = _initThread(null, null, required, &p); provided = p; return rc; }

    public int Finalize() => _finalize();

    public int CommRank(out int rank) { int r; int rc = _commRank(CommWorld, &r); rank = r; return rc; }

    public int CommSize(out int size) { int s; int rc = _commSize(CommWorld, &s); size = s; return rc; }

    public int SetErrorsReturn() => _commSetErrhandler(CommWorld, ErrorsReturn);

    public int AllReduceSumInPlace(void* buffer, int count, nint datatype) => _allreduce((void*)InPlace, buffer, count, datatype, Sum, CommWorld);

    public int Broadcast(void* buffer, int count, nint datatype, int root) => _bcast(buffer, count, datatype, root, CommWorld);

    public int Barrier() => _barrier(CommWorld);

    public int Abort(int errorCode) => _abort(CommWorld, errorCode);

    /// <summary>MPI's text for an error code (MPI_Error_string), or the bare code when it has none.</summary>
    public string ErrorString(int code)
    {
        // MPI_MAX_ERROR_STRING is 256 in Open MPI and 1024 in MPICH.
        var buffer = stackalloc byte[1024];
        int length = 0;
        if (_errorString(code, buffer, &length) != 0 || length <= 0) return $"MPI error {code}";
        return Encoding.UTF8.GetString(buffer, Math.Min(length, 1024)).TrimEnd('\0', ' ', '\n');
    }
}
