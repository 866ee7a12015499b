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
        // The reference README (docs/training.md lists them).
        Assert.Equal("results", o.ResultDir);
        Assert.Equal("data", o.Data.DatasetDir);
        Assert.Equal("flatvel-a", o.Model.Dataset.Key);
        Assert.Equal("i2sb", o.Name);
        Assert.Equal(0UL, o.Seed.Value);
        Assert.Null(o.ResumeFrom);
        Assert.Null(o.Device);
        Assert.Equal("unet_ch32", o.Model.NetworkName);
        Assert.Equal(256, o.Model.ImageSize);
        Assert.Equal("blur-openfwi_custom", o.Model.Corruption.Name);
        Assert.Equal(100, o.Schedule.ValBatches); // the reference's --val-batches
        Assert.Equal(1e-4, o.Model.Bridge.T0);
        Assert.Equal(1.0, o.Model.Bridge.T);
        Assert.Equal(1000, o.Model.Bridge.Interval);
        Assert.Equal(0.3, o.Model.Bridge.BetaMax);
        Assert.Equal(0.25, o.Optimization.DropCond);
        Assert.Equal(Seismic.Diffusion.BridgeParameterization.NoiseLike, o.Model.Bridge.Parameterization);
        Assert.False(o.Model.Bridge.OtOde);
        Assert.False(o.Model.ClipDenoise);
        Assert.Equal(256, o.Optimization.BatchSize);
        Assert.Equal(2, o.Optimization.Microbatch);
        Assert.Equal(1_000_000, o.Optimization.NumIterations);
        Assert.Equal(5e-5, o.Optimization.LearningRate);
        Assert.Equal(0.99, o.Optimization.LrGamma);
        Assert.Null(o.Optimization.ClipGradNorm);
        Assert.Equal(0.99, o.Optimization.EmaDecay);
        Assert.Equal(LogWriter.None, o.Schedule.LogWriter);
        // Extras.
        Assert.Equal(1000, o.Optimization.LrStep);
        Assert.Equal(0, o.Optimization.WeightDecay);
        Assert.Equal(5000, o.Schedule.SaveEvery);
        Assert.Equal(3000, o.Schedule.ValidateEvery);
        Assert.Equal(0, o.Schedule.ValGuidance);
        Assert.Null(o.Data.CacheDir);
        Assert.True(o.Optimization.ShotTraceDropout);
        Assert.Null(o.Schedule.TimeLimit);
        Assert.Equal(GradientReduction.Sum, o.Optimization.GradientReduction);
        Assert.Equal(Seismic.Diffusion.Runtime.Precision.Fp32, o.Precision);
        Assert.Equal(0, o.Model.Network.Dropout);
        Assert.Equal(16, o.Schedule.ValBatchSize);
        Assert.Equal(Path.Combine("results", "i2sb"), o.RunDir);
    }

    [Fact]
    public void Defaults_equal_a_fresh_TrainingOptions()
    {
        var o = Bind("--dataset-dir", "data");
        var d = new TrainingOptions();
        Assert.Equal(d.Model, o.Model);
        Assert.Equal(d.Optimization, o.Optimization);
        Assert.Equal(d.Schedule, o.Schedule);
        Assert.Equal(d with { Data = o.Data }, o);
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
            "--lr", "0.001", "--lr-gamma", "0.5", "--clip_grad_norm", "1.5", "--ema", "0.999", "--log-writer", "tensorboard");
        Assert.Equal("out", o.ResultDir);
        Assert.Equal("/data/flat", o.Data.DatasetDir);
        Assert.Equal("curvevel-b", o.Model.Dataset.Key);
        Assert.Equal("run7", o.Name);
        Assert.Equal(42UL, o.Seed.Value);
        Assert.Equal("out/run6/latest.ckpt", o.ResumeFrom);
        Assert.Equal("1", o.Device);
        Assert.Equal("i2sb_small_cond", o.Model.NetworkName);
        Assert.Equal(64, o.Model.ImageSize);
        Assert.Equal("blur-openfwi_benchmark", o.Model.Corruption.Name);
        Assert.Equal(5, o.Schedule.ValBatches);
        Assert.Equal(0.001, o.Model.Bridge.T0);
        Assert.Equal(0.9, o.Model.Bridge.T);
        Assert.Equal(200, o.Model.Bridge.Interval);
        Assert.Equal(1.0, o.Model.Bridge.BetaMax);
        Assert.Equal(0.1, o.Optimization.DropCond);
        Assert.Equal(Seismic.Diffusion.BridgeParameterization.PredX0, o.Model.Bridge.Parameterization);
        Assert.True(o.Model.Bridge.OtOde);
        Assert.True(o.Model.ClipDenoise);
        Assert.Equal(32, o.Optimization.BatchSize);
        Assert.Equal(8, o.Optimization.Microbatch);
        Assert.Equal(123, o.Optimization.NumIterations);
        Assert.Equal(0.001, o.Optimization.LearningRate);
        Assert.Equal(0.5, o.Optimization.LrGamma);
        Assert.Equal(1.5, o.Optimization.ClipGradNorm);
        Assert.Equal(0.999, o.Optimization.EmaDecay);
        Assert.Equal(LogWriter.TensorBoard, o.Schedule.LogWriter);
        Assert.Equal(Path.Combine("out", "run7"), o.RunDir);
    }

    [Theory]
    [InlineData("--pred_x0")]
    [InlineData("--pred-x0")]
    public void The_reference_scripts_spellings_are_aliases(string predX0)
    {
        var o = Bind("--dataset-dir", "d", predX0, "--clip-grad-norm", "2", "--weight-decay", "0.05");
        Assert.Equal(Seismic.Diffusion.BridgeParameterization.PredX0, o.Model.Bridge.Parameterization);
        Assert.Equal(2, o.Optimization.ClipGradNorm);
        Assert.Equal(0.05, o.Optimization.WeightDecay);
        Assert.Equal(1.5, Bind("--dataset-dir", "d", "--clip_grad_norm", "1.5").Optimization.ClipGradNorm);
        Assert.Equal(0.01, Bind("--dataset-dir", "d", "--l2-norm", "0.01").Optimization.WeightDecay);
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
        Assert.Equal(50, o.Optimization.LrStep);
        Assert.Equal(0.01, o.Optimization.WeightDecay);
        Assert.Equal(7, o.Schedule.SaveEvery);
        Assert.Equal(9, o.Schedule.ValidateEvery);
        Assert.Equal(3, o.Schedule.LogEvery);
        Assert.Equal(1.5, o.Schedule.ValGuidance);
        Assert.Equal("/tmp/c", o.Data.CacheDir);
        Assert.Equal(TimeSpan.FromMinutes(2.5), o.Schedule.TimeLimit);
        Assert.False(o.Optimization.ShotTraceDropout);
    }

    [Theory]
    [InlineData("--num-proc-node", "2", "mpirun -np 2")]
    [InlineData("--n-gpu-per-node", "4", "mpirun -np 4")]
    [InlineData("--node-rank", "1", "--node-rank 1")]
    public void Launch_flags_without_mpirun_say_how_to_start_the_processes(string flag, string value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TrainCommand.CheckLaunch(Parse("--dataset-dir", "d", flag, value), Seismic.Training.Distributed.SingleProcessGroup.Instance));
        Assert.Contains(expected, e.Message);
        Assert.Contains(flag, e.Message);
    }

    [Fact]
    public void Launch_flags_that_describe_the_single_process_are_accepted()
    {
        TrainCommand.CheckLaunch(Parse("--dataset-dir", "d", "--num-proc-node", "1", "--n-gpu-per-node", "1", "--node-rank", "0"),
                                 Seismic.Training.Distributed.SingleProcessGroup.Instance);
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
    public void Invalid_values_are_rejected_by_the_one_validation(string flag, string value)
    {
        var options = Bind("--dataset-dir", "d", flag, value); // binding maps flags; the trainer builder validates once
        Assert.ThrowsAny<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Distributed_flags_reach_their_options()
    {
        var o = Bind("--dataset-dir", "data", "--grad-reduce", "mean", "--dropout", "0.1", "--val-batch-size", "3");
        Assert.Equal(GradientReduction.Mean, o.Optimization.GradientReduction);
        Assert.Equal(0.1, o.Model.Network.Dropout);
        Assert.Equal(3, o.Schedule.ValBatchSize);
        var e = Assert.Throws<ArgumentException>(() => Bind("--dataset-dir", "data", "--grad-reduce", "average"));
        Assert.Contains("--grad-reduce must be sum or mean", e.Message);
    }

    [Theory]
    [InlineData("fp32", Seismic.Diffusion.Runtime.Precision.Fp32)]
    [InlineData("bf16", Seismic.Diffusion.Runtime.Precision.Bf16)]
    [InlineData("BFloat16", Seismic.Diffusion.Runtime.Precision.Bf16)]
    [InlineData("fp16", Seismic.Diffusion.Runtime.Precision.Fp16)]
    [InlineData("auto", Seismic.Diffusion.Runtime.Precision.Auto)]
    public void Precision_is_bound(string flag, Seismic.Diffusion.Runtime.Precision expected) =>
        Assert.Equal(expected, Bind("--dataset-dir", "data", "--precision", flag).Precision);

    [Fact]
    public void An_unknown_precision_is_refused_naming_the_flag()
    {
        var e = Assert.Throws<ArgumentException>(() => Bind("--dataset-dir", "data", "--precision", "fp8"));
        Assert.Contains("--precision", e.Message);
    }
}
