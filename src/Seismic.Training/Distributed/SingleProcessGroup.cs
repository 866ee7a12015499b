namespace Seismic.Training.Distributed;

/// <summary>
/// A job of one process: rank 0 of 1, every collective leaves its buffer as it is. The default; it needs no MPI.
/// </summary>
public sealed class SingleProcessGroup : IProcessGroup
{
    /// <summary>The shared instance (it holds nothing, so disposing it is harmless).</summary>
    public static SingleProcessGroup Instance { get; } = new();

    /// <summary>Always 0.</summary>
    public int Rank => 0;

    /// <summary>Always 1.</summary>
    public int Size => 1;

    /// <summary>Always 0.</summary>
    public int LocalRank => 0;

    /// <summary>Always 1.</summary>
    public int LocalSize => 1;

    /// <summary><c>single</c>.</summary>
    public string Backend => "single";

    /// <summary>Leaves <paramref name="values"/> as they are (the sum over one rank).</summary>
    public void AllReduceSum(Span<float> values) { }

    /// <summary>Leaves <paramref name="values"/> as they are (the sum over one rank).</summary>
    public void AllReduceSum(Span<double> values) { }

    /// <summary>Leaves <paramref name="data"/> as it is.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not 0.</exception>
    public void Broadcast(Span<byte> data, int root) => ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);

    /// <summary>Returns at once.</summary>
    public void Barrier() { }

    /// <summary>Ends this process with <paramref name="errorCode"/> (<see cref="Environment.Exit"/>).</summary>
    public void Abort(int errorCode) => Environment.Exit(errorCode);

    /// <summary>Does nothing.</summary>
    public void Dispose() { }
}
