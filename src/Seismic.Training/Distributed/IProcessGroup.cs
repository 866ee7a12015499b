using System.Runtime.InteropServices;

namespace Seismic.Training.Distributed;

/// <summary>
/// The processes of one data-parallel job and the collective operations between them. Every collective is called by
/// every rank, in the same order, with buffers of the same length; otherwise the job deadlocks or fails.
/// <see cref="SingleProcessGroup"/> is the default (one process, every collective a no-op); <see cref="MpiProcessGroup"/>
/// runs over libmpi. <see cref="ProcessGroups.Create(DistributedMode, Func{string, string?})"/> picks one.
/// </summary>
public interface IProcessGroup : IDisposable
{
    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes in the job (the world size).</summary>
    int Size { get; }

    /// <summary>This process's rank among the processes on its own machine, 0 to <see cref="LocalSize"/> - 1 (picks the GPU).</summary>
    int LocalRank { get; }

    /// <summary>The number of processes of the job on this machine.</summary>
    int LocalSize { get; }

    /// <summary>A short name of the communication backend, for logs: <c>single</c>, <c>mpi (Open MPI)</c>, ...</summary>
    string Backend { get; }

    /// <summary>Whether more than one process takes part (<see cref="Size"/> &gt; 1).</summary>
    bool IsDistributed => Size > 1;

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by the element-wise sum over all ranks.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> into <paramref name="data"/> of every other rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of the group.</exception>
    void Broadcast(Span<byte> data, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}

/// <summary>Typed conveniences over <see cref="IProcessGroup"/>.</summary>
public static class ProcessGroupExtensions
{
    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> into every other rank (bit for bit, as bytes).</summary>
    public static void Broadcast<T>(this IProcessGroup group, Span<T> data, int root) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Broadcast(MemoryMarshal.AsBytes(data), root);
    }
}
