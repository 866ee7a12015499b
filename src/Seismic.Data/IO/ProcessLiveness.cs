using System.Diagnostics;

namespace Seismic.Data.IO;

/// <summary>Whether the process that left a lock or temporary file behind is still running (same machine).</summary>
public static class ProcessLiveness
{
    /// <summary>True when a process with id <paramref name="pid"/> runs now (this process included).</summary>
    public static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (pid <= 0) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The start time of process <paramref name="pid"/> in UTC ticks, or null when it does not run or cannot be read.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
