using Seismic.Data.Cache;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;

namespace Seismic.Data.Loading;

/// <summary>
/// One split of an OpenFWI dataset as the model sees it: <see cref="Count"/> samples of a normalised velocity map
/// (1, S, S) and normalised seismic data (ns, S, S), served from the LMDB cache (or straight from the files when
/// built with <c>UseCache(false)</c>). Reads are thread-safe. Create one with <see cref="Builder"/>.
/// </summary>
public sealed class SeismicDataset : IDisposable
{
    private readonly OpenFwiSampleReader _reader;
    private readonly SampleCache? _cache;

    internal SeismicDataset(OpenFwiSampleReader reader, SampleCache? cache, DatasetSplit split)
    {
        _reader = reader;
        _cache = cache;
        Split = split;
    }

    /// <summary>Starts a fluent description of a dataset.</summary>
    public static SeismicDatasetBuilder Builder() => new();

    /// <summary>Number of samples.</summary>
    public int Count => _reader.Count;

    /// <summary>S, the side of every image in pixels.</summary>
    public int ImageSize => _reader.Transform.ImageSize;

    /// <summary>Seismic channels (shots), ns; 5 for OpenFWI.</summary>
    public int SeismicChannels => Info.Ns;

    /// <summary>Elements of one velocity map: S x S.</summary>
    public int VelocityLength => _reader.Transform.VelocityLength;

    /// <summary>Elements of one seismic sample: ns x S x S.</summary>
    public int SeismicLength => _reader.Transform.SeismicLength;

    /// <summary>The dataset's bounds and acquisition metadata.</summary>
    public OpenFwiDataset Info => _reader.Transform.Info;

    /// <summary>The normalisation in use; its <c>DenormalizeVelocity</c> turns predictions back into m/s.</summary>
    public OpenFwiNormalization Normalization => _reader.Transform.Normalization;

    /// <summary>Which split this is.</summary>
    public DatasetSplit Split { get; }

    /// <summary>The source files.</summary>
    public OpenFwiLayout Layout => _reader.Layout;

    /// <summary>The cache serving the samples; null when reading straight from the files.</summary>
    public SampleCache? Cache => _cache;

    /// <summary>
    /// Reads sample <paramref name="index"/> into <paramref name="velocity"/> (S*S floats) and <paramref name="seismic"/>
    /// (ns*S*S floats), normalised to about [-1, 1]. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ReadSample(int index, Span<float> velocity, Span<float> seismic)
    {
        if (velocity.Length != VelocityLength) throw new ArgumentException($"velocity span has {velocity.Length} elements, expected {VelocityLength} (1 x {ImageSize} x {ImageSize})", nameof(velocity));
        if (seismic.Length != SeismicLength) throw new ArgumentException($"seismic span has {seismic.Length} elements, expected {SeismicLength} ({SeismicChannels} x {ImageSize} x {ImageSize})", nameof(seismic));
        if (_cache is not null) _cache.ReadSample(index, velocity, seismic);
        else _reader.ReadSample(index, velocity, seismic);
    }

    /// <summary>
    /// Reads sample <paramref name="index"/> as stored in the source files (m/s and raw amplitudes, not resized):
    /// velocity (1, n_grid, n_grid) and seismic (ns, nt, ng). Used for the physics data misfit. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ReadRawSample(int index, Span<float> velocity, Span<float> seismic) => _reader.ReadRawSample(index, velocity, seismic);

    /// <summary>
    /// Writes sample <paramref name="index"/> exactly as the model sees it: <c>velocity.npy</c> (1, S, S) and
    /// <c>seismic.npy</c> (ns, S, S), float32, normalised, into <paramref name="outDirectory"/> (created when missing).
    /// </summary>
    /// <returns>The two file paths.</returns>
    public (string VelocityPath, string SeismicPath) ExportSample(int index, string outDirectory)
    {
        var velocity = new float[VelocityLength];
        var seismic = new float[SeismicLength];
        ReadSample(index, velocity, seismic);
        Directory.CreateDirectory(outDirectory);
        var v = Path.Combine(outDirectory, "velocity.npy");
        var s = Path.Combine(outDirectory, "seismic.npy");
        NpyWriter.Write(v, velocity, [1, ImageSize, ImageSize]);
        NpyWriter.Write(s, seismic, [SeismicChannels, ImageSize, ImageSize]);
        return (v, s);
    }

    /// <summary>A batch loader over this dataset (see <see cref="BatchLoaderOptions"/> for the defaults).</summary>
    public BatchLoader CreateLoader(BatchLoaderOptions? options = null) => new(this, options ?? new BatchLoaderOptions());

    /// <inheritdoc />
    public void Dispose()
    {
        _cache?.Dispose();
        _reader.Dispose();
    }
}
