using Seismic.Models.Evaluation;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Evaluation;

public class CalibrationAccumulatorTests
{
    [Fact]
    public void Coverage_and_correlation_match_a_hand_computation()
    {
        var c = new CalibrationAccumulator();
        using var mean = zeros(1, 1, 2, 2);
        using var std = tensor(new float[] { 1, 1, 2, 2 }, [1, 1, 2, 2]);
        using var truth = tensor(new float[] { 0.5f, -1.5f, 2.5f, 5f }, [1, 1, 2, 2]);
        c.Add(mean, std, truth);
        Assert.Equal(4, c.Count);
        Assert.Equal(0.25, c.WithinOneStd);       // |error| 0.5, 1.5, 2.5, 5 against std 1, 1, 2, 2: only 0.5 is inside
        Assert.Equal(0.75, c.WithinTwoStd);       // against 2, 2, 4, 4: only 5 is outside
        Assert.Equal(1.5, c.MeanStd);
        double[] s = [1, 1, 2, 2], e = [0.5, 1.5, 2.5, 5];
        double ms = s.Average(), me = e.Average();
        double r = s.Zip(e).Sum(p => (p.First - ms) * (p.Second - me))
                   / Math.Sqrt(s.Sum(v => (v - ms) * (v - ms)) * e.Sum(v => (v - me) * (v - me)));
        Assert.Equal(r, c.StdErrorCorrelation!.Value, 9);
    }

    [Fact]
    public void Constant_spread_has_no_correlation()
    {
        var c = new CalibrationAccumulator();
        using var mean = zeros(2, 1, 3, 3);
        using var std = zeros(2, 1, 3, 3);
        using var truth = ones(2, 1, 3, 3);
        c.Add(mean, std, truth);
        Assert.Null(c.StdErrorCorrelation);
        Assert.Equal(0, c.WithinOneStd);
        Assert.Throws<ArgumentException>(() => c.Add(mean, std, ones(1, 1, 3, 3)));
    }
}
