using Seismic.Models.Evaluation;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Evaluation;

[Collection("torch")]
public class MetricAccumulatorTests
{
    [Fact]
    public void Mean_weighs_every_sample_equally_across_uneven_batches()
    {
        var acc = new MetricAccumulator();
        using var t1 = zeros(1, 1, 8, 8);
        using var p1 = full(new long[] { 1, 1, 8, 8 }, 0.3f);
        using var t3 = zeros(3, 1, 8, 8);
        using var p3 = full(new long[] { 3, 1, 8, 8 }, 0.1f);
        acc.Add(p1, t1);
        acc.Add(p3, t3);

        Assert.Equal(4, acc.Count);
        Assert.Equal(4, acc.Samples.Count);
        Assert.Equal((0.3 + 3 * 0.1) / 4, acc.Mean.Mae, 1e-6);
        Assert.Equal((0.09 + 3 * 0.01) / 4, acc.Mean.Mse, 1e-6);
        Assert.Equal(Math.Sqrt(0.03), acc.Mean.Rmse, 1e-6);
        Assert.Equal(0.3, acc.Samples[0].Mae, 1e-6);
    }

    [Fact]
    public void Empty_accumulator_has_no_mean_and_clear_resets()
    {
        var acc = new MetricAccumulator();
        Assert.Throws<InvalidOperationException>(() => acc.Mean);
        acc.Add(new MetricValues(0.5, 0.25, 0.9));
        Assert.Equal(0.5, acc.Mean.Mae);
        Assert.Equal(750, acc.Mean.MaeMetersPerSecond, 1e-9);
        acc.Clear();
        Assert.Equal(0, acc.Count);
        Assert.Throws<InvalidOperationException>(() => acc.Mean);
    }

    [Fact]
    public void Report_summaries_convert_to_meters_per_second_with_the_datasets_bounds()
    {
        var m = new MetricValues(0.1, 0.04, 0.9);
        Assert.Equal(150, MetricSummary.From(m).MaeMetersPerSecond, 1e-9);       // OpenFWI: 1500 m/s per unit
        Assert.Equal(100, MetricSummary.From(m, 1000).MaeMetersPerSecond, 1e-9); // e.g. label bounds 1000-3000 m/s
        Assert.Equal(0.2, MetricSummary.From(m, 1000).Rmse, 1e-12);
    }
}
