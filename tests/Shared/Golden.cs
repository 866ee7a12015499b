using System.Text.Json;
using Seismic.Data.Npy;

namespace Seismic.Tests;

/// <summary>
/// Access to the golden values computed by the Python reference (tests/TestData/golden, copied next to each test
/// assembly under golden/). Linked into every test project.
/// </summary>
internal static class Golden
{
    /// <summary>The golden folder next to the test assembly.</summary>
    public static string Dir { get; } = Path.Combine(AppContext.BaseDirectory, "golden");

    /// <summary>Full path of a golden file given its manifest-relative path.</summary>
    public static string PathOf(string relative) => Path.Combine(Dir, relative);

    /// <summary>Reads a golden .npy as float64 (whatever its stored dtype) with its shape.</summary>
    public static double[] ReadDoubles(string relative, out int[] shape) => NpyFile.ReadAllFloat64(PathOf(relative), out shape);

    /// <summary>Reads a golden .npy as float64.</summary>
    public static double[] ReadDoubles(string relative) => ReadDoubles(relative, out _);

    /// <summary>Reads a golden .npy as float32 with its shape.</summary>
    public static float[] ReadFloats(string relative, out int[] shape) => NpyFile.ReadAllFloat32(PathOf(relative), out shape);

    /// <summary>Reads a golden .npy as float32.</summary>
    public static float[] ReadFloats(string relative) => ReadFloats(relative, out _);

    /// <summary>The golden manifest's cases of one kind.</summary>
    public static IEnumerable<JsonElement> Cases(string kind)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf("manifest.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("kind").GetString() == kind)
            .Select(c => c.Clone())
            .ToList();
    }
}
