using System.Runtime.InteropServices;

namespace Seismic.Training.Distributed;

/// <summary>
/// The processes of one data-parallel job and the collective operations between them. Every collective is called by
/// every rank, in the same order, with buffers of the same length; otherwise the job deadlocks or fails.
/// <see cref="SingleProcessGroup"/> is the default (one process, every collective a no-op); <see cref="MpiProcessGroup"/>
/// runs over libmpi. <see cref="ProcessGroups.Create(ProcessGroupOptions?, Func{string, string?})"/> picks one.
/// A rank that fails must not simply return: the others would wait for it forever in their next collective. Run the
/// work in <see cref="ProcessGroupExtensions.RunOrAbort"/>, which ends the whole job with one line naming the rank.
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

    /// <summary>
    /// Ends every process of the job at once with <paramref name="errorCode"/> (MPI_Abort; in a single process, the process
    /// exits): what a rank does when it fails, so that the others do not wait for it forever. Does not return.
    /// </summary>
    void Abort(int errorCode);
}

/// <summary>Typed conveniences over <see cref="IProcessGroup"/>.</summary>
public static class ProcessGroupExtensions
{
    /// <summary>
    /// Runs one rank's work so that no failure can hang the job. When <paramref name="body"/> throws in a distributed job,
    /// this rank writes one line to standard error, <c>error: rank R of N: MESSAGE</c>, and aborts the whole job
    /// (<see cref="IProcessGroup.Abort"/>) with the exit code <paramref name="describe"/> gives, so that <c>mpirun</c>
    /// exits non-zero within seconds instead of waiting for the ranks blocked in a collective. In a single process the
    /// exception propagates unchanged.
    /// </summary>
    /// <param name="group">The job.</param>
    /// <param name="body">This rank's work; returns its exit code.</param>
    /// <param name="describe">The exit code and the one-line message for a failure; null gives exit code 1 and
    /// <c>Type: message</c>.</param>
    public static int RunOrAbort(this IProcessGroup group, Func<int> body, Func<Exception, (int ExitCode, string Message)>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (Exception e) when (group.IsDistributed)
        {
            var (code, message) = describe?.Invoke(e) ?? (1, $"{e.GetType().Name}: {e.Message}");
            Console.Out.Flush();
            Console.Error.WriteLine($"error: rank {group.Rank} of {group.Size}: {message}");
            Console.Error.Flush();
            group.Abort(code == 0 ? 1 : code);
            throw; // not reached: Abort ends the process
        }
    }

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> into every other rank (bit for bit, as bytes).</summary>
    public static void Broadcast<T>(this IProcessGroup group, Span<T> data, int root) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Broadcast(MemoryMarshal.AsBytes(data), root);
    }
}
