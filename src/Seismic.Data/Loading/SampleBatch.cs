namespace Seismic.Data.Loading;

/// <summary>
/// A batch of samples in channel-first layout, ready to become tensors: <see cref="Velocity"/> (B, 1, S, S) and
/// <see cref="Seismic"/> (B, ns, S, S), float32, normalised. The arrays belong to the receiver.
/// </summary>
public sealed class SampleBatch
{
    internal SampleBatch(int[] indices, int imageSize, int seismicChannels, long epoch)
    {
        Indices = indices;
        ImageSize = imageSize;
        SeismicChannels = seismicChannels;
        Epoch = epoch;
        Velocity = new float[indices.Length * imageSize * imageSize];
        Seismic = new float[indices.Length * seismicChannels * imageSize * imageSize];
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
}
