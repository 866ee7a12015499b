namespace Seismic.Data.Loading;

/// <summary>
/// A batch of samples in channel-first layout, ready to become tensors: <see cref="Velocity"/> (B, 1, S, S) and
/// <see cref="Seismic"/> (B, ns, S, S), float32, normalised. The arrays belong to the receiver. Disposing the batch
/// (optional) hands its arrays back to the loader for reuse, which spares the garbage collector large allocations;
/// do not touch the arrays after that.
/// </summary>
public sealed class SampleBatch : IDisposable
{
    private readonly ArrayRecycler? _recycler;
    private int _disposed;

    internal SampleBatch(int[] indices, int imageSize, int seismicChannels, long epoch, ArrayRecycler? recycler)
    {
        Indices = indices;
        ImageSize = imageSize;
        SeismicChannels = seismicChannels;
        Epoch = epoch;
        _recycler = recycler;
        int v = indices.Length * imageSize * imageSize;
        Velocity = recycler?.Rent(v) ?? GC.AllocateUninitializedArray<float>(v);
        Seismic = recycler?.Rent(v * seismicChannels) ?? GC.AllocateUninitializedArray<float>(v * seismicChannels);
    }

    /// <summary>B, the number of samples.</summary>
    public int Count => Indices.Length;

    /// <summary>S, the image side in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>ns, seismic channels per sample.</summary>
    public int SeismicChannels { get; }

    /// <summary>The dataset indices of the samples, in batch order.</summary>
    public int[] Indices { get; }

    /// <summary>The (zero-based) epoch in which the batch's first sample was drawn.</summary>
    public long Epoch { get; }

    /// <summary>Velocity maps, shape (B, 1, S, S).</summary>
    public float[] Velocity { get; }

    /// <summary>Seismic data, shape (B, ns, S, S).</summary>
    public float[] Seismic { get; }

    /// <summary>Shape of <see cref="Velocity"/>: (B, 1, S, S).</summary>
    public long[] VelocityShape => [Count, 1, ImageSize, ImageSize];

    /// <summary>Shape of <see cref="Seismic"/>: (B, ns, S, S).</summary>
    public long[] SeismicShape => [Count, SeismicChannels, ImageSize, ImageSize];

    /// <summary>Returns the arrays to the loader for reuse. Optional; the arrays must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _recycler is null) return;
        _recycler.Return(Velocity);
        _recycler.Return(Seismic);
    }
}

/// <summary>Keeps a few returned arrays per exact length for reuse (batch arrays are too large for cheap allocation).</summary>
internal sealed class ArrayRecycler(int capacityPerLength)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, System.Collections.Concurrent.ConcurrentBag<float[]>> _free = new();

    public float[] Rent(int length) =>
        _free.TryGetValue(length, out var bag) && bag.TryTake(out var array) ? array : GC.AllocateUninitializedArray<float>(length);

    public void Return(float[] array)
    {
        var bag = _free.GetOrAdd(array.Length, _ => []);
        if (bag.Count < capacityPerLength) bag.Add(array);
    }
}
