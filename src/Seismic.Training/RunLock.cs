using System.Globalization;
using Seismic.Data.IO;

namespace Seismic.Training;

/// <summary>
/// One writer per run folder: <c>RunDir/.lock</c> holds the process id and start time of the process training
/// there. A second process fails with a <see cref="RunConflictException"/>; a lock left by a process that is gone
/// (killed, crashed) is taken over. <see cref="Trainer"/> holds one from <see cref="TrainerBuilder.Build"/> to
/// <see cref="Trainer.Dispose"/>.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string FileName = ".lock";

    private readonly string _content;
    private bool _released;

    private RunLock(string path, string content)
    {
        FilePath = path;
        _content = content;
    }

    /// <summary>The lock file.</summary>
    public string FilePath { get; }

    /// <summary>Takes the lock of <paramref name="runDir"/> (creating the folder), recovering a stale one.</summary>
    /// <exception cref="RunConflictException">A live process holds it; the message names it.</exception>
    public static RunLock Acquire(string runDir)
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, FileName);
        var content = Describe(Environment.ProcessId, ProcessLiveness.StartTicks(Environment.ProcessId));
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
                    stream.Flush(flushToDisk: true);
                }
                return new RunLock(path, content);
            }
            catch (IOException) when (File.Exists(path) && attempt < 3)
            {
                var (pid, started) = ReadOwner(path);
                if (pid is { } owner && IsAlive(owner, started))
                    throw new RunConflictException(
                        $"{runDir} is in use by process {owner} (lock file {path}): one training process per run folder; " +
                        "wait for it to finish, stop it, or choose another Name");
                TryDelete(path); // its process is gone: a stale lock
            }
        }
    }

    /// <summary>Releases the lock (deletes the file if it is still this process's).</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            if (File.Exists(FilePath) && File.ReadAllText(FilePath) == _content) File.Delete(FilePath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string Describe(int pid, long? startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"pid {pid}\nstarted {startTicks ?? 0}\nhost {Environment.MachineName}\n");

    private static (int? Pid, long? StartTicks) ReadOwner(string path)
    {
        try
        {
            var fields = File.ReadAllLines(path).Select(l => l.Split(' ', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            int? pid = fields.TryGetValue("pid", out var p) && int.TryParse(p, CultureInfo.InvariantCulture, out var id) ? id : null;
            long? started = fields.TryGetValue("started", out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var t) && t != 0 ? t : null;
            return (pid, started);
        }
        catch (IOException)
        {
            return (null, null); // being written or removed right now: the next attempt decides
        }
    }

    // Alive, and the same process: a recycled PID has another start time.
    private static bool IsAlive(int pid, long? startTicks)
    {
        if (!ProcessLiveness.IsRunning(pid)) return false;
        if (startTicks is null || ProcessLiveness.StartTicks(pid) is not { } now) return true;
        return Math.Abs(now - startTicks.Value) < TimeSpan.TicksPerSecond * 2;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// A run folder cannot be used as asked: another process trains there, a run exists and would be replaced, or a
/// checkpoint to resume contradicts the options. The message names the folder or file and what differs.
/// </summary>
public sealed class RunConflictException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RunConflictException(string message) : base(message) { }
}
