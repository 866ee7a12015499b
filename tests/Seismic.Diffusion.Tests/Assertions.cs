using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests;

internal static class Assertions
{
    /// <summary>Asserts |actual - expected| &lt;= tol * max(1, |expected|) elementwise, reporting the first failure.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= tol * Math.Max(1.0, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {err:E3}, tolerance {tol:E1}).");
        }
    }

    /// <summary>Relative comparison: |actual - expected| &lt;= tol * |expected| (+ tiny absolute slack for zeros).</summary>
    public static void CloseRelative(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= tol * Math.Abs(expected[i]) + 1e-300))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (relative error {err / Math.Abs(expected[i]):E3}, tolerance {tol:E1}).");
        }
    }

    public static double[] ToDoubles(Tensor t) => t.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();

    public static Tensor FromGolden(string relative)
    {
        var values = Seismic.Tests.Golden.ReadFloats(relative, out var shape);
        return torch.tensor(values, dtype: ScalarType.Float32).reshape(shape.Select(s => (long)s).ToArray());
    }

    public static Tensor FromGoldenDouble(string relative)
    {
        var values = Seismic.Tests.Golden.ReadDoubles(relative, out var shape);
        return torch.tensor(values, dtype: ScalarType.Float64).reshape(shape.Select(s => (long)s).ToArray());
    }

    public static bool Equal(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
