using Seismic.Data.Npy;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>Bad inputs end with a non-zero exit code and one line on stderr that names the file or flag.</summary>
[Collection("torch")]
public sealed class VerbErrorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertOneLineError(CliResult result, string mentions)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure:\n{result}");
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error:", line);
        Assert.Contains(mentions, line);
    }

    private string Garbage(string name)
    {
        var path = _dir[name];
        File.WriteAllText(path, "this is not what it should be");
        return path;
    }

    [Fact]
    public void Prepare_missing_dataset_folder()
    {
        var missing = _dir["nowhere"];
        AssertOneLineError(CliRunner.Run("prepare", "--dataset-dir", missing, "--dataset-name", "FlatVel_A", "--image-size", "16"), "nowhere");
    }

    [Fact]
    public void Prepare_unknown_dataset_name()
    {
        Directory.CreateDirectory(_dir["ds/train/data"]);
        AssertOneLineError(CliRunner.Run("prepare", "--dataset-dir", _dir["ds"], "--dataset-name", "NoSuchVel_Z", "--image-size", "16"), "NoSuchVel_Z");
    }

    [Fact]
    public void Prepare_bad_json_config()
    {
        var config = Garbage("config.json");
        AssertOneLineError(CliRunner.Run("prepare", "--dataset-dir", _dir.Path, "--dataset-name", "FlatVel_A", "--json-data-config", config), "config.json");
    }

    [Fact]
    public void Prepare_malformed_npy_names_the_file()
    {
        Directory.CreateDirectory(_dir["ds/train/data"]);
        Directory.CreateDirectory(_dir["ds/train/model"]);
        Garbage("ds/train/data/data1.npy");
        Garbage("ds/train/model/model1.npy");
        AssertOneLineError(CliRunner.Run("prepare", "--dataset-dir", _dir["ds"], "--dataset-name", "FlatVel_A", "--image-size", "16"), "data1.npy");
    }

    [Fact]
    public void Export_missing_dataset_folder()
    {
        AssertOneLineError(CliRunner.Run("export", "--dataset-dir", _dir["nowhere"], "--dataset-name", "FlatVel_A", "--split", "train",
                                         "--index", "0", "--image-size", "16", "--out-dir", _dir["out"]), "nowhere");
    }

    [Fact]
    public void Export_bad_split()
    {
        AssertOneLineError(CliRunner.Run("export", "--dataset-dir", _dir.Path, "--dataset-name", "FlatVel_A", "--split", "test",
                                         "--index", "0", "--out-dir", _dir["out"]), "test");
    }

    [Fact]
    public void Synthesize_unknown_family()
    {
        AssertOneLineError(CliRunner.Run("synthesize", "--family", "WavyVel_Q", "--train", "1", "--val", "1", "--out", _dir["out"]), "WavyVel_Q");
    }

    [Fact]
    public void Synthesize_negative_count()
    {
        var result = CliRunner.Run("synthesize", "--family", "FlatVel_A", "--train", "-1", "--val", "1", "--out", _dir["out"]);
        AssertOneLineError(result, "--train must be >= 0"); // the flag typed, not the option's property name
    }

    [Fact]
    public void Forward_missing_velocity_file()
    {
        AssertOneLineError(CliRunner.Run("forward", "--velocity", _dir["v.npy"], "--out", _dir["s.npy"]), "v.npy");
        Assert.False(File.Exists(_dir["s.npy"]));
    }

    [Fact]
    public void Forward_not_an_npy_file()
    {
        AssertOneLineError(CliRunner.Run("forward", "--velocity", Garbage("v.npy"), "--out", _dir["s.npy"]), "v.npy");
    }

    [Fact]
    public void Forward_wrong_shape()
    {
        NpyWriter.Write(_dir["v.npy"], new float[2 * 60 * 60].AsSpan(), [2, 60, 60]);
        AssertOneLineError(CliRunner.Run("forward", "--velocity", _dir["v.npy"], "--out", _dir["s.npy"]), "v.npy");
    }

    [Fact]
    public void Forward_unstable_or_invalid_velocity()
    {
        var v = Enumerable.Repeat(-5f, 70 * 70).ToArray();
        NpyWriter.Write(_dir["neg.npy"], v.AsSpan(), [70, 70]);
        AssertOneLineError(CliRunner.Run("forward", "--velocity", _dir["neg.npy"], "--out", _dir["s.npy"]), "neg.npy");
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("evaluate")]
    public void Sampling_verbs_missing_checkpoint(string verb)
    {
        AssertOneLineError(CliRunner.Run(verb, "--ckpt", _dir["none.ckpt"], "--out-dir", _dir["out"], "--gpu", "cpu"), "none.ckpt");
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("evaluate")]
    public void Sampling_verbs_corrupt_checkpoint(string verb)
    {
        AssertOneLineError(CliRunner.Run(verb, "--ckpt", Garbage("bad.ckpt"), "--out-dir", _dir["out"], "--gpu", "cpu"), "bad.ckpt");
    }

    [Fact]
    public void Plot_missing_velocity_file()
    {
        AssertOneLineError(CliRunner.Run("plot", "--velocity", _dir["pred.npy"], "--out", _dir["p.png"]), "pred.npy");
    }

    [Fact]
    public void Plot_malformed_seismic_file()
    {
        AssertOneLineError(CliRunner.Run("plot", "--seismic", Garbage("gather.npy"), "--out", _dir["p.png"]), "gather.npy");
    }

    [Fact]
    public void Plot_needs_something_to_draw()
    {
        AssertOneLineError(CliRunner.Run("plot", "--out", _dir["p.png"]), "--velocity");
    }

    [Fact]
    public void Plot_truth_of_another_size_names_both_files()
    {
        NpyWriter.Write(_dir["pred.npy"], new float[16 * 16].AsSpan(), [16, 16]);
        NpyWriter.Write(_dir["truth.npy"], new float[8 * 8].AsSpan(), [8, 8]);
        AssertOneLineError(CliRunner.Run("plot", "--velocity", _dir["pred.npy"], "--truth", _dir["truth.npy"], "--out", _dir["p.png"]), "truth.npy");
    }

    [Fact]
    public void Train_several_nodes_without_mpirun_is_one_line_that_says_how_to_launch()
    {
        AssertOneLineError(CliRunner.Run("train", "--dataset-dir", _dir.Path, "--num-proc-node", "2"), "mpirun -np 2");
    }

    [Fact]
    public void Train_missing_dataset_folder()
    {
        var result = CliRunner.Run("train", "--dataset-dir", _dir["nowhere"], "--result-dir", _dir["results"], "--gpu", "cpu",
                                   "--image-size", "16", "--batch-size", "2", "--num-itr", "1");
        AssertOneLineError(result, "nowhere");
    }

    [Fact]
    public void Train_explicit_gpu_without_cuda_is_an_error_not_a_fallback()
    {
        if (Seismic.Diffusion.Runtime.TorchRuntime.IsCudaAvailable) return; // only meaningful on a CPU-only machine
        var result = CliRunner.Run("train", "--dataset-dir", _dir["nowhere"], "--result-dir", _dir["results"], "--gpu", "0",
                                   "--image-size", "16", "--batch-size", "2", "--num-itr", "1");
        AssertOneLineError(result, "CUDA is not available");
        Assert.False(Directory.Exists(_dir["results/i2sb/figures"]));
    }

    [Fact]
    public void Unknown_flag_is_a_parse_error()
    {
        var result = CliRunner.Run("prepare", "--dataset-dir", "d", "--dataset-name", "FlatVel_A", "--bogus");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--bogus", result.Error + result.Out);
    }
}
