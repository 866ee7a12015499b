using Seismic.Data.Cache;
using Seismic.Data.Loading;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;

namespace Seismic.Data.Tests.Cache;

public class SampleCacheTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    private SeismicDatasetBuilder Builder(int size = 16) => SeismicDataset.Builder()
        .FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).Split(DatasetSplit.Train).ImageSize(size);

    private static (float[] V, float[] S) Read(SeismicDataset ds, int i)
    {
        var v = new float[ds.VelocityLength];
        var s = new float[ds.SeismicLength];
        ds.ReadSample(i, v, s);
        return (v, s);
    }

    [Fact]
    public void Cache_is_built_in_the_split_folder_then_reused_and_equals_direct_reads()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3, 70]);
        var reports = new List<CacheBuildProgress>();
        var progress = new SyncProgress(reports);
        using (var first = Builder().Progress(progress).Build())
        {
            Assert.NotNull(first.Cache);
            Assert.True(first.Cache!.WasBuilt);
            Assert.Equal("missing", first.Cache.RebuildReason);
            Assert.Equal(Path.Combine(_data.SplitDir("train"), ".cache-tiny-S16"), first.Cache.Directory);
            Assert.True(first.Cache.SizeBytes > 73 * (16 * 16 * 6 * 4));
            Assert.Equal(73, first.Count);
        }
        Assert.Equal(0, reports[0].Done);
        Assert.Equal(73, reports[^1].Done);
        Assert.True(reports.Count >= 3);
        Assert.Single(Directory.GetDirectories(_data.SplitDir("train"), ".cache*"));

        using var cached = Builder().Build();
        using var direct = Builder().UseCache(false).Build();
        Assert.False(cached.Cache!.WasBuilt);
        Assert.Null(direct.Cache);
        foreach (int i in new[] { 0, 2, 3, 50, 72 })
        {
            var (cv, cs) = Read(cached, i);
            var (dv, ds) = Read(direct, i);
            Assert.Equal(dv, cv);
            Assert.Equal(ds, cs);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Read(cached, 73));
    }

    [Fact]
    public void Changed_source_file_triggers_a_rebuild()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [2, 2]);
        float before;
        using (var ds = Builder().Build()) before = Read(ds, 3).V[0];

        var (_, v) = SyntheticOpenFwi.Samples(SyntheticOpenFwi.Tiny, 2, 99);
        var model2 = Path.Combine(_data.SplitDir("train"), "model", "model2.npy");
        NpyWriter.Write(model2, v, [2, 1, 10, 10]);
        File.SetLastWriteTimeUtc(model2, DateTime.UtcNow.AddMinutes(1));

        using var rebuilt = Builder().Build();
        Assert.True(rebuilt.Cache!.WasBuilt);
        Assert.Contains("model2.npy", rebuilt.Cache.RebuildReason);
        Assert.NotEqual(before, Read(rebuilt, 3).V[0]);
        using var direct = Builder().UseCache(false).Build();
        Assert.Equal(Read(direct, 3).V, Read(rebuilt, 3).V);
    }

    [Fact]
    public void Different_image_sizes_get_their_own_caches_and_a_stale_size_is_detected()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [2]);
        using (Builder(16).Build()) { }
        using (var ds = Builder(24).Build())
        {
            Assert.True(ds.Cache!.WasBuilt);
            Assert.Equal(24 * 24, ds.VelocityLength);
        }
        // A cache folder that claims S=24 but holds S=16 content (e.g. copied by hand) is rebuilt.
        var s24 = Path.Combine(_data.SplitDir("train"), ".cache-tiny-S24");
        Directory.Delete(s24, true);
        CopyDirectory(Path.Combine(_data.SplitDir("train"), ".cache-tiny-S16"), s24);
        using var again = Builder(24).Build();
        Assert.True(again.Cache!.WasBuilt);
        Assert.Equal("image size 16, expected 24", again.Cache.RebuildReason);
    }

    [Fact]
    public void A_crash_mid_build_leaves_no_usable_cache_and_the_next_run_rebuilds()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [100, 100]);
        var builder = Builder();
        var partial = "";
        builder.AfterCacheChunk = done =>
        {
            if (done < 128) return;
            // What a killed process leaves: a partial build under a temporary name stamped with a dead PID.
            partial = Directory.GetDirectories(_data.SplitDir("train"), ".cache-tiny-S16.tmp-*").Single();
            CopyDirectory(partial, Path.Combine(_data.SplitDir("train"), $".cache-tiny-S16.tmp-{DeadPid}-{Guid.NewGuid():N}"));
            throw new IOException("simulated crash");
        };
        Assert.Throws<IOException>(() => builder.Build());
        Assert.False(Directory.Exists(partial)); // a failure in this process removes its own temporary folder at once

        var final = builder.ResolveCacheDirectory();
        Assert.False(Directory.Exists(final));
        var leftovers = Directory.GetDirectories(_data.SplitDir("train"), ".cache-tiny-S16.tmp-*");
        Assert.Single(leftovers);

        using var reader = new OpenFwiSampleReader(OpenFwiLayout.Discover(_data.SplitDir("train"), SyntheticOpenFwi.Tiny),
            new Seismic.Data.Transforms.SampleTransform(SyntheticOpenFwi.Tiny, 16));
        Assert.Equal("incomplete or unreadable", SampleCache.Check(leftovers[0], reader)); // no metadata: never used
        Assert.Equal("missing", SampleCache.Check(final, reader));

        using var ds = Builder().Build();
        Assert.True(ds.Cache!.WasBuilt);
        Assert.Equal(200, ds.Count);
        Assert.Empty(Directory.GetDirectories(_data.SplitDir("train"), ".cache-tiny-S16.tmp-*"));
        Assert.Null(SampleCache.Check(final, reader));
    }

    /// <summary>A process id that no process has (above Linux's pid_max).</summary>
    private const int DeadPid = int.MaxValue - 1;

    [Fact]
    public void Temporaries_of_dead_builders_are_removed_for_every_image_size_and_those_of_live_ones_kept()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [2]);
        var split = _data.SplitDir("train");
        string Make(string name) => Directory.CreateDirectory(Path.Combine(split, name)).FullName;
        var dead = new[]
        {
            Make($".cache-tiny-S32.tmp-{DeadPid}-{Guid.NewGuid():N}"),
            Make($".cache-tiny-S16.old-{DeadPid}-{Guid.NewGuid():N}"),
            Make($".cache-other-S64.tmp-{Guid.NewGuid():N}"), // written before temporaries carried a PID
        };
        var live = Make($".cache-tiny-S32.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");

        using var ds = Builder(16).Build();

        Assert.All(dead, d => Assert.False(Directory.Exists(d), d));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(Path.Combine(split, "data")));
    }

    [Fact]
    public void A_corrupted_record_in_an_intact_cache_is_an_error_naming_cache_and_sample()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3]);
        string dir;
        using (var ds = Builder().Build()) dir = ds.Cache!.Directory;
        // Flip float bits inside sample 1's payload, leaving LMDB's own structure intact.
        var file = Path.Combine(dir, "data.mdb");
        var bytes = File.ReadAllBytes(file);
        var velocity = new float[16 * 16];
        var seismic = new float[5 * 16 * 16];
        using (var reader = new OpenFwiSampleReader(OpenFwiLayout.Discover(_data.SplitDir("train"), SyntheticOpenFwi.Tiny),
                   new Seismic.Data.Transforms.SampleTransform(SyntheticOpenFwi.Tiny, 16)))
            reader.ReadSample(1, velocity, seismic);
        var needle = System.Runtime.InteropServices.MemoryMarshal.AsBytes(seismic.AsSpan(100, 4)).ToArray();
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        bytes[at + 1] ^= 0x40;
        File.WriteAllBytes(file, bytes);

        using var again = Builder().Build();
        Assert.False(again.Cache!.WasBuilt);
        var e = Assert.Throws<InvalidDataException>(() => Read(again, 1));
        Assert.Contains(dir, e.Message);
        Assert.Contains("sample 1", e.Message);
        Assert.Contains("checksum", e.Message);
        Read(again, 0);
    }

    [Fact]
    public void Cancelled_build_removes_its_temporary_folder()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [200]);
        using var cts = new CancellationTokenSource();
        var builder = Builder().Cancellation(cts.Token);
        builder.AfterCacheChunk = _ => cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => builder.Build());
        Assert.Empty(Directory.GetDirectories(_data.SplitDir("train"), ".cache*"));
    }

    [Fact]
    public void Custom_cache_directory_is_used_and_keys_do_not_depend_on_absolute_paths()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [4]);
        var cacheRoot = Path.Combine(_data.Root, "caches");
        using (var ds = Builder().CacheDirectory(cacheRoot).Build())
            Assert.Equal(Path.Combine(cacheRoot, "tiny-train-S16"), ds.Cache!.Directory);

        // Move the whole dataset folder (sources and caches): the cache is still valid.
        var moved = _data.Root + "-moved";
        Directory.Move(_data.Root, moved);
        try
        {
            using var ds = SeismicDataset.Builder().FromDirectory(moved).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig)
                .ImageSize(16).CacheDirectory(Path.Combine(moved, "caches")).Build();
            Assert.False(ds.Cache!.WasBuilt);
            Assert.Equal("data/data1.npy", ds.Cache.Metadata.Sources[0].Data);
        }
        finally
        {
            Directory.Move(moved, _data.Root);
        }
    }

    [Fact]
    public void Datasets_sharing_a_cache_in_one_process_survive_each_others_disposal_and_rebuilds()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3]);
        using var a = Builder().Build();
        var (expected, _) = Read(a, 2);
        using (var b = Builder().Build())
        {
            Assert.False(b.Cache!.WasBuilt);
            Assert.Equal(expected, Read(b, 2).V);
        }
        Assert.Equal(expected, Read(a, 2).V); // b's disposal did not close a's environment

        // A source change rebuilds the cache under a; a keeps reading what it opened, a new dataset sees the new data.
        var (_, v) = SyntheticOpenFwi.Samples(SyntheticOpenFwi.Tiny, 3, 42);
        var model1 = Path.Combine(_data.SplitDir("train"), "model", "model1.npy");
        NpyWriter.Write(model1, v, [3, 1, 10, 10]);
        File.SetLastWriteTimeUtc(model1, DateTime.UtcNow.AddMinutes(2));
        using var c = Builder().Build();
        Assert.True(c.Cache!.WasBuilt);
        Assert.Equal(expected, Read(a, 2).V);
        Assert.NotEqual(expected, Read(c, 2).V);
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Read(a, 2));
        Assert.NotEqual(expected, Read(c, 2).V);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    private sealed class SyncProgress(List<CacheBuildProgress> reports) : IProgress<CacheBuildProgress>
    {
        public void Report(CacheBuildProgress value) { lock (reports) reports.Add(value); }
    }
}
