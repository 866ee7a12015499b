using LightningDB;

namespace Seismic.Data.Cache;

/// <summary>
/// One read-only LMDB environment per cache folder per process, reference-counted. LMDB forbids opening the same
/// environment twice in one process (closing the second handle drops the first one's file locks), so every reader
/// of a folder shares one handle. A rebuilt folder's old handle is retired: its holders keep reading the old files,
/// new readers open the new ones.
/// </summary>
internal static class SharedEnvironments
{
    private static readonly Dictionary<string, Handle> Open = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    internal sealed class Handle
    {
        public required string Directory { get; init; }
        public required LightningEnvironment Environment { get; init; }
        public required LightningDatabase Samples { get; init; }
        public required LightningDatabase Meta { get; init; }
        public int References;
    }

    /// <summary>Opens (or shares) the environment of <paramref name="directory"/>.</summary>
    /// <exception cref="LightningException">The folder is not a readable cache.</exception>
    public static Handle Acquire(string directory)
    {
        lock (Gate)
        {
            if (Open.TryGetValue(directory, out var shared))
            {
                shared.References++;
                return shared;
            }
            var env = new LightningEnvironment(directory, new EnvironmentConfiguration { MapSize = 1L << 20, MaxDatabases = 2, MaxReaders = 1024 });
            try
            {
                env.Open(EnvironmentOpenFlags.ReadOnly | EnvironmentOpenFlags.NoThreadLocalStorage);
                using var txn = env.BeginTransaction(TransactionBeginFlags.ReadOnly);
                var samples = txn.OpenDatabase(SampleCache.SamplesDb);
                var meta = txn.OpenDatabase(SampleCache.MetaDb);
                txn.Commit();
                var handle = new Handle { Directory = directory, Environment = env, Samples = samples, Meta = meta, References = 1 };
                Open[directory] = handle;
                return handle;
            }
            catch
            {
                env.Dispose();
                throw;
            }
        }
    }

    /// <summary>Drops one reference; the last one closes the environment.</summary>
    public static void Release(Handle handle)
    {
        lock (Gate)
        {
            if (--handle.References > 0) return;
            if (Open.TryGetValue(handle.Directory, out var current) && ReferenceEquals(current, handle)) Open.Remove(handle.Directory);
            handle.Samples.Dispose();
            handle.Meta.Dispose();
            handle.Environment.Dispose();
        }
    }

    /// <summary>Stops handing out the current handle of <paramref name="directory"/> (its folder is being replaced).</summary>
    public static void Retire(string directory)
    {
        lock (Gate) Open.Remove(directory);
    }
}
