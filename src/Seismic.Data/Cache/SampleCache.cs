using System.Diagnostics;
using System.Text;
using LightningDB;
using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;

namespace Seismic.Data.Cache;

/// <summary>
/// An LMDB cache of one split's transformed samples (record format: docs/data.md). Built on first use into a
/// temporary sibling folder and moved into place only when complete, so an interrupted build never leaves a cache
/// that would be used; a cache whose <see cref="CacheMetadata"/> no longer matches its sources is rebuilt.
/// Reads are thread-safe (one short read-only transaction per read). Dispose to close the environment.
/// LMDB here is LightningDB's LMDB 1.0: the files are not readable by Python's lmdb 0.9.
/// </summary>
public sealed class SampleCache : IDisposable
{
    internal const string SamplesDb = "samples";
    internal const string MetaDb = "meta";
    private static readonly byte[] MetaKey = Encoding.ASCII.GetBytes("metadata");

    private readonly SharedEnvironments.Handle _handle;
    private readonly int _channels;
    private int _disposed;

    private SampleCache(string directory, SharedEnvironments.Handle handle, CacheMetadata metadata, bool built)
    {
        Directory = directory;
        _handle = handle;
        Metadata = metadata;
        WasBuilt = built;
        _channels = metadata.SeismicSourceShape[0];
    }

    /// <summary>The cache folder (holds <c>data.mdb</c> and <c>lock.mdb</c>).</summary>
    public string Directory { get; }

    /// <summary>What the cache holds.</summary>
    public CacheMetadata Metadata { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Metadata.SampleCount;

    /// <summary>True when this call built (or rebuilt) the cache; false when a valid cache was reused.</summary>
    public bool WasBuilt { get; }

    /// <summary>Why the cache was rebuilt ("missing", "image size 64, expected 128", ...); null when reused.</summary>
    public string? RebuildReason { get; private init; }

    /// <summary>Bytes the cache files take on disk.</summary>
    public long SizeBytes => new DirectoryInfo(Directory).EnumerateFiles().Sum(f => f.Length);

    /// <summary>
    /// Opens the cache at <paramref name="directory"/> if it is complete and matches <paramref name="reader"/>'s sources,
    /// otherwise builds it (replacing a stale one).
    /// </summary>
    /// <param name="directory">The cache folder.</param>
    /// <param name="reader">Source files and transform.</param>
    /// <param name="progress">Receives progress while building; optional.</param>
    /// <param name="cancellationToken">Cancels a build (the partial build is removed).</param>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    internal static SampleCache OpenOrBuild(string directory, OpenFwiSampleReader reader, IProgress<CacheBuildProgress>? progress = null,
                                          CancellationToken cancellationToken = default) =>
        OpenOrBuild(directory, reader, progress, cancellationToken, afterChunk: null);

    /// <summary>Checks whether the cache at <paramref name="directory"/> can serve <paramref name="reader"/>'s sources.</summary>
    /// <returns>Null when it is valid, otherwise the reason it is not ("missing", "incomplete", "image size ...").</returns>
    internal static string? Check(string directory, OpenFwiSampleReader reader)
    {
        var expected = ExpectedMetadata(reader);
        var stored = TryReadMetadata(directory);
        return stored is null ? (System.IO.Directory.Exists(directory) ? "incomplete or unreadable" : "missing") : expected.Mismatch(stored);
    }

    /// <summary>Reads sample <paramref name="index"/>: velocity (1, S, S) and seismic (ns, S, S), normalised.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="InvalidDataException">The record is missing or corrupt (the message names the cache folder and sample).</exception>
    public void ReadSample(int index, Span<float> velocity, Span<float> seismic)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"sample index must be in [0, {Count})");
        Span<byte> key = stackalloc byte[8];
        SampleRecord.Key(index, key);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var txn = _handle.Environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        var (rc, _, value) = txn.Get(_handle.Samples, key);
        if (rc != MDBResultCode.Success)
            throw new InvalidDataException($"{Directory}: sample {index} is missing from the cache ({rc}); delete the folder to rebuild it");
        SampleRecord.Read(value.AsSpan(), _channels, Metadata.ImageSize, velocity, seismic, $"{Directory} sample {index}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) SharedEnvironments.Release(_handle);
    }

    internal static SampleCache OpenOrBuild(string directory, OpenFwiSampleReader reader, IProgress<CacheBuildProgress>? progress,
                                            CancellationToken cancellationToken, Action<int>? afterChunk)
    {
        directory = Path.GetFullPath(directory);
        RemoveStaleTemporaries(directory);
        var expected = ExpectedMetadata(reader);
        var stored = TryReadMetadata(directory);
        string? reason = stored is null ? (System.IO.Directory.Exists(directory) ? "incomplete or unreadable" : "missing") : expected.Mismatch(stored);
        if (reason is null)
            return Open(directory, expected, built: false, reason: null);

        var temp = $"{directory}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Write(temp, reader, expected, progress, cancellationToken, afterChunk);
        }
        catch (AggregateException e)
        {
            // Parallel.For wraps what the sample reader threw; rethrow the lowest sample's problem as is.
            TryDeleteDirectory(temp);
            var first = e.Flatten().InnerExceptions.MinBy(x => x is InvalidSampleException s ? s.SampleInFile : int.MaxValue)!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
        // Swap in the complete cache: the old one (if any) is moved aside first, so the final name only ever
        // points at a complete cache. Readers of the old one in this process keep their (still mapped) files.
        SharedEnvironments.Retire(directory);
        if (System.IO.Directory.Exists(directory))
        {
            var old = $"{directory}.old-{Environment.ProcessId}-{Guid.NewGuid():N}";
            System.IO.Directory.Move(directory, old);
            TryDeleteDirectory(old);
        }
        System.IO.Directory.Move(temp, directory);
        return Open(directory, expected, built: true, reason);
    }

    private static CacheMetadata ExpectedMetadata(OpenFwiSampleReader reader)
    {
        var info = reader.Transform.Info;
        var split = reader.Layout.SplitDirectory;
        string Rel(string p) => Path.GetRelativePath(split, p).Replace(Path.DirectorySeparatorChar, '/');
        return new CacheMetadata
        {
            FormatVersion = CacheMetadata.CurrentFormatVersion,
            Dataset = info.Key,
            DataMin = info.DataMin,
            DataMax = info.DataMax,
            LabelMin = info.LabelMin,
            LabelMax = info.LabelMax,
            SeismicSourceShape = info.SeismicShape,
            VelocitySourceShape = info.VelocityShape,
            ImageSize = reader.Transform.ImageSize,
            SampleCount = reader.Count,
            Sources = reader.Layout.Pairs.Select(p =>
            {
                var d = new FileInfo(p.DataPath);
                var m = new FileInfo(p.ModelPath);
                return new CacheSourceFile(Rel(p.DataPath), d.Length, d.LastWriteTimeUtc.Ticks, Rel(p.ModelPath), m.Length, m.LastWriteTimeUtc.Ticks, p.SampleCount);
            }).ToList(),
        };
    }

    private static LightningEnvironment CreateEnvironment(string directory, long mapSize) =>
        new(directory, new EnvironmentConfiguration { MapSize = mapSize, MaxDatabases = 2, MaxReaders = 1024 });

    private static void Write(string temp, OpenFwiSampleReader reader, CacheMetadata metadata, IProgress<CacheBuildProgress>? progress,
                              CancellationToken ct, Action<int>? afterChunk)
    {
        var t = reader.Transform;
        int recordBytes = SampleRecord.Length(t.VelocityLength, t.SeismicLength);
        long pagesPerRecord = (recordBytes + 64 + 4095) / 4096 + 1;
        long mapSize = (long)(reader.Count * pagesPerRecord * 4096 * 1.1) + (64L << 20);

        System.IO.Directory.CreateDirectory(temp);
        var watch = Stopwatch.StartNew();
        using var env = CreateEnvironment(temp, mapSize);
        env.Open(EnvironmentOpenFlags.NoThreadLocalStorage);
        LightningDatabase db, meta;
        using (var txn = env.BeginTransaction())
        {
            db = txn.OpenDatabase(SamplesDb, new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            meta = txn.OpenDatabase(MetaDb, new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            Check(txn.Commit(), temp, "creating the databases");
        }
        using var dbScope = db;
        using var metaScope = meta;

        // Transform a chunk in parallel, then write it in one transaction (up to 64 records, at most ~256 MiB of them).
        int chunk = (int)Math.Clamp((256L << 20) / recordBytes, 1, 64);
        var records = new byte[Math.Min(chunk, Math.Max(1, reader.Count))][];
        for (int i = 0; i < records.Length; i++) records[i] = new byte[recordBytes];
        progress?.Report(new CacheBuildProgress(temp, 0, reader.Count, watch.Elapsed));
        Span<byte> key = stackalloc byte[8];
        for (int start = 0; start < reader.Count; start += chunk)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, reader.Count - start);
            Parallel.For(0, n, new ParallelOptions { CancellationToken = ct }, () => (new float[t.VelocityLength], new float[t.SeismicLength]), (i, _, buffers) =>
            {
                reader.ReadSample(start + i, buffers.Item1, buffers.Item2);
                SampleRecord.Write(records[i], t.Info.Ns, t.ImageSize, buffers.Item1, buffers.Item2);
                return buffers;
            }, _ => { });
            using (var txn = env.BeginTransaction())
            {
                for (int i = 0; i < n; i++)
                {
                    SampleRecord.Key(start + i, key);
                    Check(txn.Put(db, key, records[i], PutOptions.NoOverwrite), temp, "writing a sample");
                }
                Check(txn.Commit(), temp, "committing samples");
            }
            afterChunk?.Invoke(start + n);
            progress?.Report(new CacheBuildProgress(temp, start + n, reader.Count, watch.Elapsed));
        }

        // The metadata goes in last: a cache without it is never used.
        using (var txn = env.BeginTransaction())
        {
            Check(txn.Put(meta, MetaKey, Encoding.UTF8.GetBytes(metadata.ToJson())), temp, "writing the metadata");
            Check(txn.Commit(), temp, "committing the metadata");
        }
        env.Flush(force: true);
    }

    private static CacheMetadata? TryReadMetadata(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "data.mdb"))) return null;
        SharedEnvironments.Handle handle;
        try
        {
            handle = SharedEnvironments.Acquire(directory);
        }
        catch (LightningException)
        {
            return null; // not an environment, or without our databases: an interrupted or foreign build
        }
        try
        {
            using var txn = handle.Environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
            var (rc, _, value) = txn.Get(handle.Meta, MetaKey);
            return rc == MDBResultCode.Success ? CacheMetadata.FromJson(Encoding.UTF8.GetString(value.AsSpan())) : null;
        }
        finally
        {
            SharedEnvironments.Release(handle);
        }
    }

    private static SampleCache Open(string directory, CacheMetadata metadata, bool built, string? reason) =>
        new(directory, SharedEnvironments.Acquire(directory), metadata, built) { RebuildReason = reason };

    private static void Check(MDBResultCode rc, string where, string what)
    {
        if (rc != MDBResultCode.Success) throw new IOException($"{where}: LMDB error while {what}: {rc}");
    }

    // Leftovers of interrupted builds or replaced caches next to this one, of any dataset or image size
    // (<name>.tmp-PID-GUID, <name>.old-PID-GUID): removed once their process is gone. Those of earlier versions
    // (no PID) count as stale.
    private static void RemoveStaleTemporaries(string directory)
    {
        var parent = Path.GetDirectoryName(directory)!;
        if (!System.IO.Directory.Exists(parent)) return;
        foreach (var d in System.IO.Directory.EnumerateDirectories(parent))
        {
            var name = Path.GetFileName(d);
            int at = Math.Max(name.LastIndexOf(".tmp-", StringComparison.Ordinal), name.LastIndexOf(".old-", StringComparison.Ordinal));
            if (at > 0 && name.Length - at > 32 && IO.AtomicFile.IsStale(name[(at + 5)..]))
                TryDeleteDirectory(d);
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
