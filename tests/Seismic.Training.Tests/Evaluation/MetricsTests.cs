using Seismic.Tests;
using Seismic.Models.Evaluation;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Evaluation;

[Collection("torch")]
public class MetricsTests(ITestOutputHelper output)
{
    private static Tensor Golden4D(string relative)
    {
        var values = Golden.ReadFloats(relative, out var shape);
        return tensor(values, shape.Select(d => (long)d).ToArray());
    }

    private static Tensor Random(int seed, params long[] shape)
    {
        var rng = new System.Random(seed);
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return tensor(v, shape);
    }

    [Fact]
    public void Ssim_matches_the_golden_value()
    {
        var c = Golden.Cases("ssim").Single();
        using var a = Golden4D(c.GetProperty("a").GetString()!);
        using var b = Golden4D(c.GetProperty("b").GetString()!);
        double expected = c.GetProperty("expected").GetDouble();

        double actual = Metrics.Ssim(a, b);
        output.WriteLine($"SSIM {actual:R} vs golden {expected:R}: difference {Math.Abs(actual - expected):E2}");
        Assert.Equal(expected, actual, 1e-5);
        Assert.Equal(expected, Metrics.Compute(a, b).Ssim, 1e-5);
        using var a64 = a.to(float64);
        using var b64 = b.to(float64);
        Assert.Equal(expected, Metrics.Ssim(a64, b64), 1e-5);
    }

    [Fact]
    public void Identical_maps_give_ssim_one_and_zero_errors()
    {
        using var x = Random(1, 3, 1, 16, 16);
        var m = Metrics.Compute(x, x);
        Assert.Equal(1.0, m.Ssim, 1e-6);
        Assert.Equal(0.0, m.Mae);
        Assert.Equal(0.0, m.Mse);
        Assert.Equal(0.0, m.Rmse);
    }

    [Fact]
    public void Ssim_is_lower_for_a_worse_prediction()
    {
        using var truth = Random(2, 2, 1, 32, 32);
        using var noise = Random(3, 2, 1, 32, 32);
        using var close = truth + 0.05 * noise;
        using var far = truth + 0.5 * noise;
        Assert.True(Metrics.Ssim(close, truth) > Metrics.Ssim(far, truth));
        Assert.True(Metrics.Ssim(far, truth) < 0.9);
    }

    [Fact]
    public void Constant_offset_gives_known_errors()
    {
        // prediction = target + 0.2 everywhere: MAE 0.2, MSE 0.04, RMSE 0.2, MAE 300 m/s.
        using var target = Random(4, 2, 1, 8, 8);
        using var prediction = target + 0.2;
        var m = Metrics.Compute(prediction, target);
        Assert.Equal(0.2, m.Mae, 1e-6);
        Assert.Equal(0.04, m.Mse, 1e-6);
        Assert.Equal(0.2, m.Rmse, 1e-6);
        Assert.Equal(300, m.MaeMetersPerSecond, 1e-3);
        Assert.Equal(0.2, Metrics.Mae(prediction, target), 1e-6);
        Assert.Equal(0.04, Metrics.Mse(prediction, target), 1e-6);
        Assert.Equal(0.2, Metrics.Rmse(prediction, target), 1e-6);
    }

    [Fact]
    public void Per_sample_values_differ_by_sample_and_average_to_the_batch()
    {
        // Sample 0 is off by 0.1, sample 1 by -0.4 in one half and 0 in the other: MAE 0.1 and 0.2, MSE 0.01 and 0.08.
        var p = new float[2 * 4 * 4];
        for (int i = 0; i < 16; i++) p[i] = 0.1f;
        for (int i = 16; i < 24; i++) p[i] = -0.4f;
        using var prediction = tensor(p, [2, 1, 4, 4]);
        using var target = zeros(2, 1, 4, 4);
        var samples = Metrics.PerSample(prediction, target);
        Assert.Equal(2, samples.Length);
        Assert.Equal(0.1, samples[0].Mae, 1e-6);
        Assert.Equal(0.2, samples[1].Mae, 1e-6);
        Assert.Equal(0.01, samples[0].Mse, 1e-6);
        Assert.Equal(0.08, samples[1].Mse, 1e-6);
        Assert.Equal(0.15, Metrics.Mae(prediction, target), 1e-6);
        Assert.Equal(samples.Average(s => s.Ssim), Metrics.Ssim(prediction, target), 1e-6);
    }

    [Fact]
    public void Calls_leave_no_tensors_behind()
    {
        using var a = Random(5, 2, 1, 16, 16);
        using var b = Random(6, 2, 1, 16, 16);
        Metrics.Compute(a, b); // warm up lazily created state
        using var scope = NewDisposeScope();
        Metrics.Compute(a, b);
        Metrics.Ssim(a, b);
        Metrics.Rmse(a, b);
        Assert.Equal(0, scope.DisposablesCount);
    }

    [Fact]
    public void Mismatched_or_wrong_rank_inputs_are_rejected()
    {
        using var a = zeros(2, 1, 8, 8);
        using var b = zeros(2, 1, 8, 9);
        using var flat = zeros(8, 8);
        var e = Assert.Throws<ArgumentException>(() => Metrics.Compute(a, b));
        Assert.Contains("(2, 1, 8, 9)", e.Message);
        Assert.Throws<ArgumentException>(() => Metrics.Ssim(flat, flat));
    }
}
