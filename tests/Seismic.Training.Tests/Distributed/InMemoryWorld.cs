using Seismic.Training.Distributed;

namespace Seismic.Training.Tests.Distributed;

/// <summary>
/// A job of N ranks inside one test process: one thread per rank, buffers exchanged through shared slots and a
/// <see cref="Barrier"/>. Sums are taken in rank order, so every rank gets the same bits (as MPI's two-rank sum does).
/// Every wait has a timeout: a rank that throws makes the others fail instead of hanging the test run.
/// </summary>
internal sealed class InMemoryWorld
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Barrier _barrier;
    private readonly Array?[] _slots;

    private InMemoryWorld(int size)
    {
        _barrier = new Barrier(size);
        _slots = new Array?[size];
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one group each; rethrows the first failure.</summary>
    public static void Run(int size, Action<IProcessGroup> body)
    {
        var world = new InMemoryWorld(size);
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            try { body(new Member(world, rank)); }
            catch (Exception e) { errors[rank] = e; }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        // A rank's own failure first, not the timeouts it caused in the others.
        var first = errors.FirstOrDefault(e => e is not null and not TimeoutException) ?? errors.FirstOrDefault(e => e is not null);
        if (first is not null) throw new AggregateException($"rank {Array.IndexOf(errors, first)} failed", first);
    }

    private void Wait()
    {
        if (!_barrier.SignalAndWait(Timeout)) throw new TimeoutException("a rank did not reach the collective");
    }

    private sealed class Member(InMemoryWorld world, int rank) : IProcessGroup
    {
        public int Rank => rank;
        public int Size => world._slots.Length;
        public int LocalRank => rank;
        public int LocalSize => Size;
        public string Backend => "in-memory";

        public void AllReduceSum(Span<float> values) => Sum(values);

        public void AllReduceSum(Span<double> values) => Sum(values);

        // Sums in rank order, so every rank gets the same bits.
        private void Sum<T>(Span<T> values) where T : System.Numerics.INumber<T>
        {
            world._slots[rank] = values.ToArray();
            world.Wait();
            for (int i = 0; i < values.Length; i++)
            {
                T s = ((T[])world._slots[0]!)[i];
                for (int r = 1; r < Size; r++) s += ((T[])world._slots[r]!)[i];
                values[i] = s;
            }
            world.Wait();
        }

        public void Broadcast(Span<byte> data, int root)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(root);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
            if (rank == root) world._slots[root] = data.ToArray();
            world.Wait();
            if (rank != root) ((byte[])world._slots[root]!).CopyTo(data);
            world.Wait();
        }

        public void Barrier() => world.Wait();

        public void Abort(int errorCode) => throw new InvalidOperationException($"rank {rank} aborted the in-memory job with code {errorCode}");

        public void Dispose() { }
    }
}
