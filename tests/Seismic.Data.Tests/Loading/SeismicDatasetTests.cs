using Seismic.Data.Loading;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;
using Seismic.Data.Tests.Transforms;

namespace Seismic.Data.Tests.Loading;

public class SeismicDatasetTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData(true, 64)]
    [InlineData(false, 64)]
    [InlineData(true, 128)]
    public void Export_equals_normalise_then_resize_of_the_source_arrays(bool batched, int size)
    {
        // Real OpenFWI shapes (5, 1000, 70) + (1, 70, 70).
        var info = OpenFwiConfig.Default["flatvel-a"];
        if (batched) _data.WriteBatched("val", info, [2, 1]);
        else _data.WritePerSample("val", info, 3);

        using var ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("FlatVel_A").Split(DatasetSplit.Val)
            .ImageSize(size).UseCache(false).Build();
        Assert.Equal(3, ds.Count);
        var outDir = Path.Combine(_data.Root, "export");
        var (vPath, sPath) = ds.ExportSample(2, outDir);

        var velocity = NpyFile.ReadAllFloat32(vPath, out var vShape);
        var seismic = NpyFile.ReadAllFloat32(sPath, out var sShape);
        Assert.Equal([1, size, size], vShape);
        Assert.Equal([5, size, size], sShape);

        // The reference: read sample 2's source arrays directly and transform them naively.
        string dataFile = batched ? "data2.npy" : "data3.npy", modelFile = batched ? "model2.npy" : "model3.npy";
        const int local = 0; // sample 2 is the first of data2 (batched 2+1) or the only one of data3 (per-sample)
        var rawS = NpyFile.ReadAllFloat32(Path.Combine(_data.SplitDir("val"), "data", dataFile), out _).AsSpan(local * 350_000, 350_000);
        var rawV = NpyFile.ReadAllFloat32(Path.Combine(_data.SplitDir("val"), "model", modelFile), out _).AsSpan(local * 4900, 4900);
        var refS = ReferenceTransform.Resize(ReferenceTransform.NormalizeSeismic(rawS, info), 5, 1000, 70, size, size);
        var refV = ReferenceTransform.Resize(ReferenceTransform.NormalizeVelocity(rawV, info), 1, 70, 70, size, size);
        TransformGoldenTests.AssertClose(refS.Select(x => (float)x).ToArray(), seismic, 1e-5);
        TransformGoldenTests.AssertClose(refV.Select(x => (float)x).ToArray(), velocity, 1e-5);
    }

    [Fact]
    public void Builder_validates_with_clear_messages()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [2]);
        Assert.Contains("FromDirectory", Assert.Throws<InvalidOperationException>(() => SeismicDataset.Builder().Dataset("tiny").Build()).Message);
        Assert.Contains("Dataset", Assert.Throws<InvalidOperationException>(() => SeismicDataset.Builder().FromDirectory(_data.Root).Build()).Message);
        Assert.Contains("flatvel-a", Assert.Throws<ArgumentException>(() => SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("nope").Build()).Message);
        Assert.Contains("multiple of 8", Assert.Throws<ArgumentOutOfRangeException>(() =>
            SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).ImageSize(30).Build()).Message);
        Assert.Contains(Path.Combine(_data.Root, "val"), Assert.Throws<DirectoryNotFoundException>(() =>
            SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).Split(DatasetSplit.Val).ImageSize(8).Build()).Message);
        Assert.Throws<DirectoryNotFoundException>(() => SeismicDataset.Builder().FromDirectory(_data.Root + "-none").Dataset("tiny").Build());
        // The shapes come from the config: flatvel-a expects (5, 1000, 70).
        Assert.Throws<OpenFwiLayoutException>(() => SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("flatvel-a").ImageSize(8).Build());
    }

    [Fact]
    public void Reads_are_thread_safe_and_spans_are_checked()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [40]);
        using var ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).ImageSize(8).Build();
        var expected = Enumerable.Range(0, 40).Select(i => { var v = new float[64]; ds.ReadSample(i, v, new float[320]); return v; }).ToArray();
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var v = new float[64];
            ds.ReadSample(k % 40, v, new float[320]);
            Assert.Equal(expected[k % 40], v);
        });
        Assert.Throws<ArgumentException>(() => ds.ReadSample(0, new float[63], new float[320]));
        Assert.Throws<ArgumentException>(() => ds.ReadSample(0, new float[64], new float[321]));
        Assert.Equal(5, ds.SeismicChannels);
    }

    [Fact]
    public void Denormalisation_turns_predictions_into_meters_per_second()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [1]);
        using var ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).ImageSize(8).UseCache(false).Build();
        var ms = new float[3];
        ds.Normalization.DenormalizeVelocity([-1f, 0f, 1f], ms);
        Assert.Equal([1500f, 3000f, 4500f], ms);
    }
}
