using System.Diagnostics;
using System.Globalization;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Benchmarks.Data;

namespace Seismic.Benchmarks.Programs;

/// <summary>Small helpers shared by the stand-alone measurement programs.</summary>
internal static class Measure
{
    /// <summary>Seconds taken by <paramref name="action"/>.</summary>
    public static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>"min median max" of the values, formatted with <paramref name="format"/>.</summary>
    public static string Spread(IReadOnlyList<double> values, string format = "F3")
    {
        var sorted = values.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        return string.Create(CultureInfo.InvariantCulture, $"min {sorted[0].ToString(format, CultureInfo.InvariantCulture)}  median {median.ToString(format, CultureInfo.InvariantCulture)}  max {sorted[^1].ToString(format, CultureInfo.InvariantCulture)}");
    }

    /// <summary>The three load averages from /proc/loadavg ("?" off Linux).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>
    /// A field of /proc/self/status in KiB (-1 off Linux): <c>VmRSS</c> (resident set), <c>RssAnon</c> (heap and tensors)
    /// or <c>RssFile</c> (mapped files such as the LMDB cache, which the kernel may evict at any time).
    /// </summary>
    public static long StatusKiB(string field = "VmRSS")
    {
        if (!File.Exists("/proc/self/status")) return -1;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    /// <summary>An integer option <c>--name value</c> from <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// Writes a seeded OpenFWI-layout dataset (FlatVel_A shapes: model (n,1,70,70), data (n,5,1000,70)) with train and val
    /// splits under a new temporary folder and returns it.
    /// </summary>
    public static string WriteOpenFwi(int train, int val)
    {
        var root = Directory.CreateTempSubdirectory("seismic-bench-openfwi-").FullName;
        var info = OpenFwiConfig.Default["flatvel-a"];
        foreach (var (split, n, seed) in new[] { ("train", train, 1), ("val", val, 2) })
        {
            var (s, v) = DataBenchFiles.Sample(info, n, seed);
            NpyWriter.Write(Path.Combine(root, split, "data", "data1.npy"), s, [n, info.Ns, info.Nt, info.Ng]);
            NpyWriter.Write(Path.Combine(root, split, "model", "model1.npy"), v, [n, 1, info.NGrid, info.NGrid]);
        }
        return root;
    }
}
