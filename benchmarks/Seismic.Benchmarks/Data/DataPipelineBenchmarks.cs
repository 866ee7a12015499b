using BenchmarkDotNet.Attributes;
using Seismic.Data.Loading;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;

namespace Seismic.Benchmarks.Data;

/// <summary>Normalise + resize of one OpenFWI sample (5,1000,70) + (1,70,70) to S x S.</summary>
[MemoryDiagnoser]
public class TransformBenchmarks
{
    private float[] _seismic = [];
    private float[] _velocity = [];
    private float[] _seisOut = [];
    private float[] _velOut = [];
    private float[] _scratch = [];
    private SampleTransform _transform = null!;

    /// <summary>The output side S.</summary>
    [Params(64, 256)]
    public int ImageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var info = OpenFwiConfig.Default["flatvel-a"];
        (_seismic, _velocity) = DataBenchFiles.Sample(info, 1, 0);
        _transform = new SampleTransform(info, ImageSize);
        _seisOut = new float[_transform.SeismicLength];
        _velOut = new float[_transform.VelocityLength];
        _scratch = new float[_seismic.Length];
    }

    /// <summary>What the cache build runs: only the source rows the resize reads are normalised.</summary>
    [Benchmark(Baseline = true)]
    public float NormalizeResizeOneSample()
    {
        _transform.TransformSeismic(_seismic, _seisOut);
        _transform.TransformVelocity(_velocity, _velOut);
        return _seisOut[^1] + _velOut[^1];
    }

    /// <summary>The textbook order for comparison: normalise all 350,000 amplitudes, then resize.</summary>
    [Benchmark]
    public float NormalizeAllThenResize()
    {
        _transform.Normalization.NormalizeSeismic(_seismic, _scratch);
        BilinearResize.Resize(_scratch, 5, 1000, 70, _seisOut, ImageSize, ImageSize);
        return _seisOut[^1];
    }
}

/// <summary>Assembling a training batch of 64 samples at S = 64 from the LMDB cache (random indices).</summary>
[MemoryDiagnoser]
public class CacheBatchBenchmarks
{
    private const int Samples = 256;
    private string _root = "";
    private SeismicDataset _dataset = null!;
    private BatchLoader _loader = null!;
    private readonly List<int[]> _batches = [];
    private float[] _velocity = [];
    private float[] _seismic = [];
    private int _next;

    /// <summary>Threads reading the samples of one batch.</summary>
    [Params(1, 2)]
    public int ReaderThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("seismic-bench-cache-").FullName;
        // Cache records depend only on S, not on the source shape: short traces (nt = 100) keep the setup fast.
        var config = OpenFwiConfig.Default.Override("""{ "bench": { "data_min": -26.95, "data_max": 52.77, "label_min": 1500, "label_max": 4500, "nt": 100 } }""");
        var info = config["bench"];
        for (int k = 0; k < 4; k++)
        {
            var (s, v) = DataBenchFiles.Sample(info, Samples / 4, k);
            NpyWriter.Write(Path.Combine(_root, "train", "data", $"data{k + 1}.npy"), s, [Samples / 4, info.Ns, info.Nt, info.Ng]);
            NpyWriter.Write(Path.Combine(_root, "train", "model", $"model{k + 1}.npy"), v, [Samples / 4, 1, info.NGrid, info.NGrid]);
        }
        _dataset = SeismicDataset.Builder().FromDirectory(_root).Dataset("bench").Config(config).ImageSize(64).Build();
        _loader = _dataset.CreateLoader(new BatchLoaderOptions { BatchSize = 64, Seed = 1, ReaderThreads = ReaderThreads });
        _batches.AddRange(_loader.IndexBatches().Take(Samples / 64).Select(b => b.Indices));
        _velocity = new float[_dataset.VelocityLength];
        _seismic = new float[_dataset.SeismicLength];
        // Warm the page cache so that we measure assembly, not the disk.
        foreach (var b in _batches) _loader.Load(b, 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataset.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Reads 64 records (1x64x64 + 5x64x64 float32 each) into fresh (64,1,64,64) and (64,5,64,64) arrays.</summary>
    [Benchmark]
    public int CacheBatch64AtS64()
    {
        var batch = _loader.Load(_batches[_next++ % _batches.Count], 0);
        return batch.Count;
    }

    /// <summary>The same, with the batch disposed after use so the loader reuses its arrays (what a trainer should do).</summary>
    [Benchmark]
    public int CacheBatch64AtS64Recycled()
    {
        using var batch = _loader.Load(_batches[_next++ % _batches.Count], 0);
        return batch.Count;
    }

    /// <summary>One record into reused buffers (no batch allocation, one thread).</summary>
    [Benchmark]
    public float CacheReadOneSample()
    {
        _dataset.ReadSample(_next++ % Samples, _velocity, _seismic);
        return _velocity[0];
    }
}

internal static class DataBenchFiles
{
    /// <summary>Seeded OpenFWI-like arrays: amplitudes with both signs, velocities in [1500, 4500] m/s.</summary>
    public static (float[] Seismic, float[] Velocity) Sample(OpenFwiDataset info, int count, int seed)
    {
        var rng = new Random(seed);
        var s = new float[count * info.Ns * info.Nt * info.Ng];
        for (int i = 0; i < s.Length; i++) s[i] = (float)((rng.NextDouble() * 2 - 1) * 30);
        var v = new float[count * info.NGrid * info.NGrid];
        for (int i = 0; i < v.Length; i++) v[i] = 1500f + 3000f * (float)rng.NextDouble();
        return (s, v);
    }
}
