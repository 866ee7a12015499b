using System.Collections.Concurrent;
using Seismic.Data.Npy;
using Seismic.Data.Transforms;

namespace Seismic.Data.OpenFwi;

/// <summary>
/// Reads samples straight from a split's <c>.npy</c> files and transforms them (normalise, then resize to S x S).
/// This is the computation the cache stores, and what <c>export</c> writes. Files are memory-mapped on first use.
/// Thread-safe. Dispose to unmap the files.
/// </summary>
internal sealed class OpenFwiSampleReader : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<NpyFile>> _files = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates a reader over <paramref name="layout"/> with <paramref name="transform"/>.</summary>
    public OpenFwiSampleReader(OpenFwiLayout layout, SampleTransform transform)
    {
        Layout = layout ?? throw new ArgumentNullException(nameof(layout));
        Transform = transform ?? throw new ArgumentNullException(nameof(transform));
    }

    /// <summary>The split's files.</summary>
    public OpenFwiLayout Layout { get; }

    /// <summary>The transform applied to each sample.</summary>
    public SampleTransform Transform { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Layout.SampleCount;

    /// <summary>
    /// Reads sample <paramref name="index"/>, checks it (<see cref="SampleValidation"/>), then normalises and resizes it:
    /// velocity (1, S, S) and seismic (ns, S, S).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="InvalidSampleException">The sample holds non-finite or implausible values (the message names file, sample and position).</exception>
    public void ReadSample(int index, Span<float> velocity, Span<float> seismic)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (pair, local) = Layout.Locate(index);
        var info = Transform.Info;
        ReadTransformed(File(pair.ModelPath), local, Transform.RawVelocityLength, velocity,
            raw => SampleValidation.CheckVelocity(raw, info, pair.ModelPath, local), Transform.TransformVelocity);
        ReadTransformed(File(pair.DataPath), local, Transform.RawSeismicLength, seismic,
            raw => SampleValidation.CheckSeismic(raw, info, pair.DataPath, local), Transform.TransformSeismic);
    }

    /// <summary>Reads sample <paramref name="index"/> as stored (m/s and raw amplitudes): velocity (1, n_grid, n_grid), seismic (ns, nt, ng).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ReadRawSample(int index, Span<float> velocity, Span<float> seismic)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (velocity.Length != Transform.RawVelocityLength) throw new ArgumentException($"velocity span has {velocity.Length} elements, expected {Transform.RawVelocityLength}", nameof(velocity));
        if (seismic.Length != Transform.RawSeismicLength) throw new ArgumentException($"seismic span has {seismic.Length} elements, expected {Transform.RawSeismicLength}", nameof(seismic));
        var (pair, local) = Layout.Locate(index);
        File(pair.ModelPath).ReadFloat32((long)local * velocity.Length, velocity);
        File(pair.DataPath).ReadFloat32((long)local * seismic.Length, seismic);
    }

    private delegate void SpanCheck(ReadOnlySpan<float> raw);
    private delegate void SpanTransform(ReadOnlySpan<float> raw, Span<float> destination);

    private static void ReadTransformed(NpyFile file, int local, int rawLength, Span<float> destination, SpanCheck check, SpanTransform transform)
    {
        long start = (long)local * rawLength;
        if (file.DType == NpyDType.Float32)
        {
            var raw = file.GetFloat32Span(start, rawLength);
            check(raw);
            transform(raw, destination);
            return;
        }
        var buffer = new float[rawLength];
        file.ReadFloat32(start, buffer);
        check(buffer);
        transform(buffer, destination);
    }

    private NpyFile File(string path) =>
        _files.GetOrAdd(path, p => new Lazy<NpyFile>(() => NpyFile.Open(p), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var f in _files.Values)
            if (f.IsValueCreated) f.Value.Dispose();
        _files.Clear();
    }
}
