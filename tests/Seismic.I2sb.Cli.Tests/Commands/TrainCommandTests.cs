using System.CommandLine;
using Seismic.I2sb.Cli.Commands;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>Every flag of the reference README (and the extras) lands in the right <see cref="TrainingOptions"/> field.</summary>
public sealed class TrainCommandTests
{
    private static ParseResult Parse(params string[] flags) => Seismic.I2sb.Cli.Commands.Cli.BuildRoot().Parse(["train", .. flags]);

    private static TrainingOptions Bind(params string[] flags)
    {
        var parse = Parse(flags);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        return TrainCommand.Bind(parse);
    }

    [Fact]
    public void Defaults_are_the_references()
    {
        var o = Bind("--dataset-dir", "data");
        // SPEC section 3 and the reference README.
        Assert.Equal("results", o.ResultDir);
        Assert.Equal("data", o.DatasetDir);
        Assert.Equal("FlatVel_A", o.DatasetName);
        Assert.Equal("i2sb", o.Name);
        Assert.Equal(0, o.Seed);
        Assert.Null(o.ResumeFrom);
        Assert.Null(o.Device);
        Assert.Equal("unet_ch32", o.Model);
        Assert.Equal(256, o.ImageSize);
        Assert.Equal("blur-openfwi_custom", o.Corrupt);
        Assert.Equal(2, o.ValBatches);
        Assert.Equal(1e-4, o.T0);
        Assert.Equal(1.0, o.T);
        Assert.Equal(1000, o.Interval);
        Assert.Equal(0.3, o.BetaMax);
        Assert.Equal(0.25, o.DropCond);
        Assert.False(o.PredX0);
        Assert.False(o.OtOde);
        Assert.False(o.ClipDenoise);
        Assert.Equal(256, o.BatchSize);
        Assert.Equal(2, o.Microbatch);
        Assert.Equal(1_000_000, o.NumIterations);
        Assert.Equal(5e-5, o.LearningRate);
        Assert.Equal(0.99, o.LrGamma);
        Assert.Null(o.ClipGradNorm);
        Assert.Equal(0.99, o.EmaDecay);
        Assert.Null(o.LogWriter);
        Assert.Null(o.DataConfigPath);
        // Extras.
        Assert.Equal(1000, o.LrStep);
        Assert.Equal(0, o.WeightDecay);
        Assert.Equal(5000, o.SaveEvery);
        Assert.Equal(3000, o.ValidateEvery);
        Assert.Equal(0, o.Guidance);
        Assert.Null(o.CacheDir);
        Assert.True(o.ShotTraceDropout);
        Assert.Null(o.TimeLimit);
        Assert.Equal(Path.Combine("results", "i2sb"), o.RunDir);
    }

    [Fact]
    public void Defaults_equal_a_fresh_TrainingOptions()
    {
        var o = Bind("--dataset-dir", "data");
        var d = new TrainingOptions();
        foreach (var p in typeof(TrainingOptions).GetProperties().Where(p => p.CanRead && p.Name is not ("DatasetDir" or "RunDir")))
        {
            object? expected = p.GetValue(d), actual = p.GetValue(o);
            if (expected is System.Collections.IEnumerable && expected is not string) continue;
            Assert.True(Equals(expected, actual), $"{p.Name}: default {expected}, parsed {actual}");
        }
    }

    [Fact]
    public void Every_reference_flag_is_bound()
    {
        var o = Bind(
            "--result-dir", "out", "--dataset-dir", "/data/flat", "--dataset-name", "CurveVel_B", "--name", "run7",
            "--seed", "42", "--master-port", "7000", "--ckpt", "out/run6/latest.ckpt", "--gpu", "1",
            "--model", "i2sb_small_cond", "--image-size", "64", "--corrupt", "blur-openfwi_benchmark", "--val-batches", "5",
            "--t0", "0.001", "--T", "0.9", "--interval", "200", "--beta-max", "1.0", "--drop_cond", "0.1",
            "--pred-x0", "--ot-ode", "--clip-denoise", "--batch-size", "32", "--microbatch", "8", "--num-itr", "123",
            "--lr", "0.001", "--lr-gamma", "0.5", "--clip_grad_norm", "1.5", "--ema", "0.999", "--log-writer", "tensorboard",
            "--json-data-config", "cfg.json");
        Assert.Equal("out", o.ResultDir);
        Assert.Equal("/data/flat", o.DatasetDir);
        Assert.Equal("CurveVel_B", o.DatasetName);
        Assert.Equal("run7", o.Name);
        Assert.Equal(42, o.Seed);
        Assert.Equal("out/run6/latest.ckpt", o.ResumeFrom);
        Assert.Equal("1", o.Device);
        Assert.Equal("i2sb_small_cond", o.Model);
        Assert.Equal(64, o.ImageSize);
        Assert.Equal("blur-openfwi_benchmark", o.Corrupt);
        Assert.Equal(5, o.ValBatches);
        Assert.Equal(0.001, o.T0);
        Assert.Equal(0.9, o.T);
        Assert.Equal(200, o.Interval);
        Assert.Equal(1.0, o.BetaMax);
        Assert.Equal(0.1, o.DropCond);
        Assert.True(o.PredX0);
        Assert.True(o.OtOde);
        Assert.True(o.ClipDenoise);
        Assert.Equal(32, o.BatchSize);
        Assert.Equal(8, o.Microbatch);
        Assert.Equal(123, o.NumIterations);
        Assert.Equal(0.001, o.LearningRate);
        Assert.Equal(0.5, o.LrGamma);
        Assert.Equal(1.5, o.ClipGradNorm);
        Assert.Equal(0.999, o.EmaDecay);
        Assert.Equal("tensorboard", o.LogWriter);
        Assert.Equal("cfg.json", o.DataConfigPath);
        Assert.Equal(Path.Combine("out", "run7"), o.RunDir);
    }

    [Fact]
    public void Master_port_and_single_node_flags_are_accepted()
    {
        var parse = Parse("--dataset-dir", "d", "--master-port", "7000", "--num-proc-node", "1", "--node-rank", "0",
                          "--master-address", "10.0.0.1", "--n-gpu-per-node", "1");
        Assert.Empty(parse.Errors);
        Assert.Equal(7000, parse.GetValue(TrainCommand.MasterPort));
        Assert.Equal("10.0.0.1", parse.GetValue(TrainCommand.MasterAddress));
        Assert.Equal(6020, Parse("--dataset-dir", "d").GetValue(TrainCommand.MasterPort));
        TrainCommand.Bind(parse); // does not throw
    }

    [Fact]
    public void Extras_are_bound()
    {
        var o = Bind("--dataset-dir", "d", "--lr-step", "50", "--l2-norm", "0.01", "--save-every", "7", "--val-every", "9",
                     "--log-every", "3", "--guidance", "1.5", "--cache-dir", "/tmp/c", "--time-limit", "2.5", "--no-shot-trace-dropout");
        Assert.Equal(50, o.LrStep);
        Assert.Equal(0.01, o.WeightDecay);
        Assert.Equal(7, o.SaveEvery);
        Assert.Equal(9, o.ValidateEvery);
        Assert.Equal(3, o.LogEvery);
        Assert.Equal(1.5, o.Guidance);
        Assert.Equal("/tmp/c", o.CacheDir);
        Assert.Equal(TimeSpan.FromMinutes(2.5), o.TimeLimit);
        Assert.False(o.ShotTraceDropout);
    }

    [Theory]
    [InlineData("--num-proc-node", "2")]
    [InlineData("--n-gpu-per-node", "4")]
    [InlineData("--node-rank", "1")]
    public void Multi_process_flags_are_not_supported_yet(string flag, string value)
    {
        var e = Assert.Throws<NotSupportedException>(() => Bind("--dataset-dir", "d", flag, value));
        Assert.Contains("not supported yet", e.Message);
        Assert.Contains(flag, e.Message);
    }

    [Fact]
    public void Dataset_dir_is_required()
    {
        Assert.NotEmpty(Parse().Errors);
    }

    [Theory]
    [InlineData("--image-size", "30")]
    [InlineData("--interval", "201")]
    [InlineData("--batch-size", "5")]
    [InlineData("--lr", "-1")]
    public void Invalid_values_are_rejected_when_bound(string flag, string value)
    {
        Assert.ThrowsAny<ArgumentException>(() => Bind("--dataset-dir", "d", flag, value));
    }
}
