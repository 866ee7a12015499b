using Seismic.Diffusion.Conditioning;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Conditioning;

public class ConditionDropoutTests
{
    [Fact]
    public void Condition_dropout_zeroes_whole_samples_at_the_requested_rate()
    {
        using var cond = torch.ones(4000, 5, 4, 3);
        using var g = new Generator(8);
        using var dropped = ConditionDropout.Apply(cond, 0.25, g);
        using var perSample = dropped.sum([1, 2, 3]);
        // Each sample is either untouched (sum 60) or all zeros.
        Assert.True(perSample.eq(0).logical_or(perSample.eq(60)).all().item<bool>());
        double rate = perSample.eq(0).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(rate, 0.22, 0.28);
    }

    [Fact]
    public void Condition_dropout_is_reproducible_and_handles_the_extremes()
    {
        using var cond = torch.rand(64, 5, 4, 3);
        using var g1 = new Generator(1);
        using var g2 = new Generator(1);
        using var a = ConditionDropout.Apply(cond, 0.5, g1);
        using var b = ConditionDropout.Apply(cond, 0.5, g2);
        Assert.True(Assertions.Equal(a, b));
        using var none = ConditionDropout.Apply(cond, 0.0);
        Assert.True(Assertions.Equal(none, cond));
        using var all = ConditionDropout.Apply(cond, 1.0);
        Assert.Equal(0f, all.abs().sum().item<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionDropout.Apply(cond, 1.5));
    }

    [Fact]
    public void Shot_trace_dropout_always_keeps_one_shot_and_one_column_per_kept_shot()
    {
        using var cond = torch.ones(500, 5, 6, 7);
        using var g = new Generator(9);
        using var out_ = ConditionDropout.ApplyShotTrace(cond, generator: g);
        // A column is either fully kept or fully zeroed along time.
        using var colSums = out_.sum(2); // (B, shots, receivers)
        Assert.True(colSums.eq(0).logical_or(colSums.eq(6)).all().item<bool>());
        using var keptColumns = colSums.gt(0).sum(2); // (B, shots)
        using var keptShots = keptColumns.gt(0).sum(1); // (B)
        Assert.True(keptShots.ge(1).all().item<bool>());
        // Kept shots keep at least one column; overall about half the shots and half the columns survive.
        double shotRate = keptColumns.gt(0).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(shotRate, 0.5, 0.7); // 0.5 plus the forced shot: 0.5 + 0.5/5 = 0.6
        using var keptShotMask = keptColumns.gt(0);
        double colRate = keptColumns.masked_select(keptShotMask).to(ScalarType.Float32).mean().item<float>() / 7;
        Assert.InRange(colRate, 0.5, 0.65); // 0.5 + 0.5/7 = 0.571
    }

    [Fact]
    public void Keep_mask_reports_which_samples_kept_their_condition()
    {
        using var cond = torch.ones(200, 5, 2, 2);
        using var g = new Generator(10);
        using var dropped = ConditionDropout.Apply(cond, 0.5, g, out var keep);
        using (keep)
        {
            Assert.Equal(new long[] { 200 }, keep.shape);
            using var perSample = dropped.mean([1, 2, 3]);
            Assert.True(Assertions.Equal(perSample, keep));
        }
    }

    [Fact]
    public void Shot_trace_dropout_rejects_other_ranks()
    {
        using var cond = torch.ones(2, 5, 6);
        Assert.Throws<ArgumentException>(() => ConditionDropout.ApplyShotTrace(cond));
    }
}
