using BenchmarkDotNet.Attributes;
using Seismic.Data.Npy;

namespace Seismic.Benchmarks.Data;

/// <summary>Reading an 8-sample batch from an OpenFWI-shaped batched file (N, 5, 1000, 70).</summary>
[MemoryDiagnoser]
public class NpyBenchmarks
{
    private const int Samples = 32;
    private const int SampleSize = 5 * 1000 * 70;
    private string _path = "";
    private NpyFile? _file;
    private readonly float[] _batch = new float[8 * SampleSize];

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"seismic-bench-{Guid.NewGuid():N}.npy");
        var data = new float[Samples * SampleSize];
        new Random(0).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        for (int i = 0; i < data.Length; i++) if (!float.IsFinite(data[i])) data[i] = 0;
        NpyWriter.Write(_path, data, [Samples, 5, 1000, 70]);
        _file = NpyFile.Open(_path);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file?.Dispose();
        File.Delete(_path);
    }

    /// <summary>Copies samples 8..15 out of the mapped file.</summary>
    [Benchmark]
    public float ReadBatchOf8()
    {
        _file!.ReadFloat32(8L * SampleSize, _batch);
        return _batch[^1];
    }
}
