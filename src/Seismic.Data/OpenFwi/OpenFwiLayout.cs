using Seismic.Data.Npy;

namespace Seismic.Data.OpenFwi;

/// <summary>
/// The files of one OpenFWI split (<c>DIR/{train,val}/{data,model}/**/*.npy</c>), paired and validated.
/// Data and model files pair by name: <c>dataK</c> with <c>modelK</c>, <c>seis…</c> with <c>vel…</c> (same suffix),
/// or identical names; pairs are ordered by natural sort of the data file's relative path (<c>data2</c> before <c>data10</c>).
/// </summary>
public sealed class OpenFwiLayout
{
    private static readonly string[] DataPrefixes = ["data", "seis"];
    private static readonly string[] ModelPrefixes = ["model", "vel"];

    private OpenFwiLayout(string splitDirectory, IReadOnlyList<OpenFwiFilePair> pairs)
    {
        SplitDirectory = splitDirectory;
        Pairs = pairs;
        SampleCount = pairs.Count == 0 ? 0 : pairs[^1].FirstSample + pairs[^1].SampleCount;
    }

    /// <summary>The split folder (full path), e.g. <c>DIR/train</c>.</summary>
    public string SplitDirectory { get; }

    /// <summary>The file pairs in sample order.</summary>
    public IReadOnlyList<OpenFwiFilePair> Pairs { get; }

    /// <summary>Total number of samples in the split.</summary>
    public int SampleCount { get; }

    /// <summary>Discovers <c>DIR/train</c> or <c>DIR/val</c> of a dataset folder.</summary>
    public static OpenFwiLayout Discover(string datasetDirectory, DatasetSplit split, OpenFwiDataset info) =>
        Discover(Path.Combine(datasetDirectory, split.FolderName()), info);

    /// <summary>
    /// Finds, pairs and validates the <c>.npy</c> files under <paramref name="splitDirectory"/><c>/data</c> and <c>/model</c>
    /// (searched recursively). Only headers are read.
    /// </summary>
    /// <param name="splitDirectory">The split folder, e.g. <c>DIR/train</c>.</param>
    /// <param name="info">Gives the expected per-sample shapes (ns, nt, ng) and (1, n_grid, n_grid).</param>
    /// <exception cref="DirectoryNotFoundException">A folder is missing; the message names it.</exception>
    /// <exception cref="OpenFwiLayoutException">No files, a file without partner, a wrong shape or a sample count mismatch; the message names the files.</exception>
    /// <exception cref="NpyFormatException">A file is not a readable .npy file.</exception>
    public static OpenFwiLayout Discover(string splitDirectory, OpenFwiDataset info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var split = Path.GetFullPath(splitDirectory);
        var dataDir = Path.Combine(split, "data");
        var modelDir = Path.Combine(split, "model");
        foreach (var dir in new[] { split, dataDir, modelDir })
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"{dir}: folder not found (expected the OpenFWI layout DIR/{{train,val}}/{{data,model}}/*.npy)");

        var dataFiles = FindNpy(dataDir);
        var modelFiles = FindNpy(modelDir);
        if (dataFiles.Count == 0) throw new OpenFwiLayoutException($"{dataDir}: no .npy files found");

        var modelsByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in modelFiles)
        {
            var key = PairKey(Path.GetRelativePath(modelDir, m), ModelPrefixes);
            if (!modelsByKey.TryAdd(key, m))
                throw new OpenFwiLayoutException($"{m}: ambiguous, pairs with the same data file as {modelsByKey[key]}");
        }

        var pairs = new List<OpenFwiFilePair>(dataFiles.Count);
        var used = new HashSet<string>(StringComparer.Ordinal);
        int first = 0;
        foreach (var d in dataFiles.OrderBy(f => Path.GetRelativePath(dataDir, f), NaturalStringComparer.Instance))
        {
            var key = PairKey(Path.GetRelativePath(dataDir, d), DataPrefixes);
            if (!modelsByKey.TryGetValue(key, out var m))
                throw new OpenFwiLayoutException($"{d}: no matching velocity file under {modelDir} (expected the same name with 'model' for 'data' or 'vel' for 'seis')");
            if (!used.Add(m))
                throw new OpenFwiLayoutException($"{m}: pairs with more than one data file");
            int dataCount = SampleCountOf(d, NpyFile.ReadHeader(d), info.SeismicShape, "seismic");
            int modelCount = SampleCountOf(m, NpyFile.ReadHeader(m), info.VelocityShape, "velocity");
            if (dataCount != modelCount)
                throw new OpenFwiLayoutException($"{d} holds {dataCount} samples but its partner {m} holds {modelCount}");
            pairs.Add(new OpenFwiFilePair(d, m, dataCount, first));
            first = checked(first + dataCount);
        }
        var orphan = modelFiles.FirstOrDefault(m => !used.Contains(m));
        if (orphan is not null)
            throw new OpenFwiLayoutException($"{orphan}: no matching seismic file under {dataDir}");
        return new OpenFwiLayout(split, pairs);
    }

    /// <summary>Finds the pair holding sample <paramref name="index"/> and the index within its files.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="SampleCount"/>).</exception>
    public (OpenFwiFilePair Pair, int Local) Locate(int index)
    {
        if ((uint)index >= (uint)SampleCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"sample index must be in [0, {SampleCount}) for {SplitDirectory}");
        int lo = 0, hi = Pairs.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Pairs[mid].FirstSample <= index) lo = mid; else hi = mid - 1;
        }
        return (Pairs[lo], index - Pairs[lo].FirstSample);
    }

    private static List<string> FindNpy(string dir) =>
        Directory.EnumerateFiles(dir, "*.npy", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToList();

    // The pairing key: relative folder + file stem with the scheme's prefix removed (data7 -> 7, seis2_1_0 -> 2_1_0).
    private static string PairKey(string relativePath, string[] prefixes)
    {
        var dir = Path.GetDirectoryName(relativePath) ?? "";
        var stem = Path.GetFileNameWithoutExtension(relativePath);
        foreach (var p in prefixes)
            if (stem.StartsWith(p, StringComparison.OrdinalIgnoreCase) && stem.Length > p.Length)
            {
                stem = "\u0001" + stem[p.Length..];
                break;
            }
        return Path.Combine(dir, stem);
    }

    private static int SampleCountOf(string path, NpyHeader header, int[] sampleShape, string what)
    {
        var shape = header.Shape;
        bool perSample = shape.Count == 3 && shape.SequenceEqual(sampleShape);
        bool batched = shape.Count == 4 && shape.Skip(1).SequenceEqual(sampleShape);
        if (!perSample && !batched)
            throw new OpenFwiLayoutException(
                $"{path}: {what} shape ({string.Join(", ", shape)}) is neither one sample ({string.Join(", ", sampleShape)}) " +
                $"nor a batch (N, {string.Join(", ", sampleShape)})");
        return perSample ? 1 : shape[0];
    }
}
