namespace Seismic.Data.IO;

/// <summary>
/// Writes files so that readers only ever see the old content or the complete new content:
/// the data goes to a temporary file in the same folder, is flushed to disk, and is then renamed over the target.
/// A crash mid-write leaves the previous file intact and at most a stray <c>*.tmp-PID-*</c> file, which
/// <see cref="RemoveStaleTemporaries"/> deletes once process PID is gone.
/// </summary>
public static class AtomicFile
{
    private const string TempMarker = ".tmp-";

    /// <summary>Writes <paramref name="path"/> atomically with the bytes produced by <paramref name="write"/>.</summary>
    /// <param name="path">The target file; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content to the given stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes all <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// A unique temporary path next to <paramref name="path"/> (same file system, so the rename is atomic):
    /// <c>PATH.tmp-PID-GUID</c>, stamped with this process's id so that leftovers of dead writers can be told apart.
    /// </summary>
    public static string TempPathFor(string path) => $"{path}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>
    /// Deletes the temporary files and folders next to <paramref name="path"/> (<c>PATH.tmp-*</c>) whose writer is no
    /// longer running; those of live processes are kept. Temporaries without a process id (written by earlier versions)
    /// count as stale. Never throws for files it cannot delete.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public static int RemoveStaleTemporaries(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) return 0;
        int removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, Path.GetFileName(full) + TempMarker + "*"))
            if (IsStale(Path.GetFileName(entry)[(Path.GetFileName(full).Length + TempMarker.Length)..]) && TryDelete(entry))
                removed++;
        return removed;
    }

    /// <summary>True when a temporary's suffix (after <c>.tmp-</c>) names no live process.</summary>
    internal static bool IsStale(string suffix)
    {
        int dash = suffix.IndexOf('-');
        return dash <= 0 || !int.TryParse(suffix.AsSpan(0, dash), out int pid) || !ProcessLiveness.IsRunning(pid);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
