using Seismic.Data.Cache;
using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;

namespace Seismic.Data.Loading;

/// <summary>
/// Composes a <see cref="SeismicDataset"/>:
/// <code>
/// using var train = SeismicDataset.Builder()
///     .FromDirectory("/data/flatvel-a").Dataset(OpenFwiDataset.FlatVelA).Split(DatasetSplit.Train).ImageSize(64)
///     .Build();
/// </code>
/// Everything is validated in <see cref="Build"/>, which discovers the files and opens (or builds) the cache.
/// </summary>
public sealed class SeismicDatasetBuilder
{
    private string? _directory;
    private string? _datasetName;
    private OpenFwiDataset? _dataset;
    private DatasetSplit _split = DatasetSplit.Train;
    private int _imageSize = 256;
    private string? _cacheDirectory;
    private bool _useCache = true;
    private OpenFwiConfig _config = OpenFwiConfig.Default;
    private IProgress<CacheBuildProgress>? _progress;
    private CancellationToken _cancellationToken;
    internal Action<int>? AfterCacheChunk { get; set; }

    /// <summary>The dataset folder holding <c>train/</c> and <c>val/</c> (each with <c>data/</c> and <c>model/</c>). Required.</summary>
    public SeismicDatasetBuilder FromDirectory(string directory) { _directory = directory; return this; }

    /// <summary>
    /// The dataset by name, e.g. <c>FlatVel_A</c> or <c>flatvel-a</c>, looked up in the <see cref="Config(OpenFwiConfig)"/> when
    /// the dataset is built. This or <see cref="Dataset(OpenFwiDataset)"/> is required; the last call wins.
    /// </summary>
    public SeismicDatasetBuilder Dataset(string name) { _datasetName = name; _dataset = null; return this; }

    /// <summary>
    /// The dataset itself (e.g. <see cref="OpenFwiDataset.FlatVelA"/>), used as given: the config is not consulted.
    /// This or <see cref="Dataset(string)"/> is required; the last call wins.
    /// </summary>
    public SeismicDatasetBuilder Dataset(OpenFwiDataset dataset)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _datasetName = null;
        return this;
    }

    /// <summary>The split to read. The default value is <see cref="DatasetSplit.Train"/>.</summary>
    public SeismicDatasetBuilder Split(DatasetSplit split) { _split = split; return this; }

    /// <summary>S, the image side in pixels, a positive multiple of 8. The default value is 256 (the reference's default).</summary>
    public SeismicDatasetBuilder ImageSize(int size) { _imageSize = size; return this; }

    /// <summary>
    /// Where caches live: the cache of this split goes to <c>DIR/&lt;key&gt;-&lt;split&gt;-S&lt;S&gt;</c>. The default value is null,
    /// meaning inside the split folder: <c>DIR/train/.cache-&lt;key&gt;-S&lt;S&gt;</c>.
    /// </summary>
    public SeismicDatasetBuilder CacheDirectory(string? directory) { _cacheDirectory = directory; return this; }

    /// <summary>Whether to serve samples from the LMDB cache (built on first use). The default value is true; false reads and transforms the .npy files on every read.</summary>
    public SeismicDatasetBuilder UseCache(bool useCache = true) { _useCache = useCache; return this; }

    /// <summary>The dataset configuration. The default value is <see cref="OpenFwiConfig.Default"/> (the ten published datasets).</summary>
    public SeismicDatasetBuilder Config(OpenFwiConfig config) { _config = config ?? throw new ArgumentNullException(nameof(config)); return this; }

    /// <summary>Loads the dataset configuration from a JSON file in OpenFWI's <c>dataset_config.json</c> format (see <see cref="OpenFwiConfig.Load"/>).</summary>
    public SeismicDatasetBuilder Config(string jsonPath) => Config(OpenFwiConfig.Load(jsonPath));

    /// <summary>Receives progress while a cache is built. The default value is null (no reports).</summary>
    public SeismicDatasetBuilder Progress(IProgress<CacheBuildProgress>? progress) { _progress = progress; return this; }

    /// <summary>Cancels a cache build. The default value is <see cref="CancellationToken.None"/>.</summary>
    public SeismicDatasetBuilder Cancellation(CancellationToken cancellationToken) { _cancellationToken = cancellationToken; return this; }

    /// <summary>The cache folder <see cref="Build"/> will use for the current settings.</summary>
    /// <exception cref="InvalidOperationException">The directory or dataset is not set.</exception>
    public string ResolveCacheDirectory()
    {
        var (dir, info) = Required();
        var key = info.Key;
        return _cacheDirectory is null
            ? Path.Combine(Path.GetFullPath(dir), _split.FolderName(), $".cache-{key}-S{_imageSize}")
            : Path.Combine(Path.GetFullPath(_cacheDirectory), $"{key}-{_split.FolderName()}-S{_imageSize}");
    }

    /// <summary>Validates the settings, discovers the files and opens or builds the cache.</summary>
    /// <exception cref="InvalidOperationException">The directory or dataset was not set.</exception>
    /// <exception cref="ArgumentException">Unknown dataset name, invalid dataset values or an image size that is not a positive multiple of 8.</exception>
    /// <exception cref="DirectoryNotFoundException">The dataset or split folder is missing.</exception>
    /// <exception cref="OpenFwiLayoutException">The files do not pair or have wrong shapes (the message names them).</exception>
    /// <exception cref="Npy.NpyFormatException">A file is not a readable .npy file.</exception>
    public SeismicDataset Build()
    {
        var (dir, info) = Required();
        var transform = new SampleTransform(info, _imageSize);
        var layout = OpenFwiLayout.Discover(dir, _split, info);
        if (layout.SampleCount == 0) throw new OpenFwiLayoutException($"{layout.SplitDirectory}: the split holds no samples");
        var reader = new OpenFwiSampleReader(layout, transform);
        try
        {
            var cache = _useCache ? SampleCache.OpenOrBuild(ResolveCacheDirectory(), reader, _progress, _cancellationToken, AfterCacheChunk) : null;
            return new SeismicDataset(reader, cache, _split);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private (string Directory, OpenFwiDataset Info) Required()
    {
        if (string.IsNullOrWhiteSpace(_directory)) throw new InvalidOperationException("FromDirectory(...) is required: the dataset folder holding train/ and val/.");
        if (_dataset is null && string.IsNullOrWhiteSpace(_datasetName))
            throw new InvalidOperationException("Dataset(...) is required: a dataset such as OpenFwiDataset.FlatVelA or a name such as FlatVel_A.");
        if (!Directory.Exists(_directory)) throw new DirectoryNotFoundException($"{_directory}: dataset folder not found");
        SampleTransform.ValidateImageSize(_imageSize);
        return (_directory, _dataset ?? _config[_datasetName!]);
    }
}
