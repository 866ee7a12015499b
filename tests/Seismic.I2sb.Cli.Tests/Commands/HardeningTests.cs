using System.Diagnostics;
using Seismic.Data.Npy;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>
/// The nine problems of issue 10, each as a user meets it: one <c>error:</c> line naming the file (sample,
/// position) or the flag, the exit code of its class, nothing half-written left behind.
/// </summary>
[Collection("torch")]
public sealed class HardeningTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertError(CliResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}:\n{result}");
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error:", line);
        Assert.DoesNotContain("   at ", result.Error);
        foreach (var m in mentions) Assert.Contains(m, line);
    }

    /// <summary>A FlatVel_A-format dataset of 4 train and 2 val samples, written directly (no forward modelling).</summary>
    private string Dataset(string name = "ds")
    {
        var root = _dir[name];
        foreach (var (split, n) in new[] { ("train", 4), ("val", 2) })
        {
            var velocity = new float[n * 70 * 70];
            var seismic = new float[n * 5 * 1000 * 70];
            for (int i = 0; i < velocity.Length; i++) velocity[i] = 1500 + 3000f * (i / 70 % 70) / 70;
            for (int i = 0; i < seismic.Length; i++) seismic[i] = MathF.Sin(i * 0.01f) * 5;
            NpyWriter.Write(Path.Combine(root, split, "model", "model1.npy"), velocity, [n, 1, 70, 70]);
            NpyWriter.Write(Path.Combine(root, split, "data", "data1.npy"), seismic, [n, 5, 1000, 70]);
        }
        return root;
    }

    private static void SetValue(string npy, long index, float value)
    {
        var array = NpyFile.ReadAllFloat32(npy, out var shape);
        array[index] = value;
        NpyWriter.Write(npy, array, shape);
    }

    /// <summary>A small <c>train</c> command line; flags in <paramref name="extra"/> replace the defaults.</summary>
    private string[] Train(string data, params string[] extra)
    {
        string[] defaults =
        [
            "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--result-dir", _dir["results"], "--name", "run",
            "--gpu", "cpu", "--model", "i2sb_small_cond", "--image-size", "16", "--batch-size", "2", "--microbatch", "2",
            "--interval", "100", "--val-batches", "0",
        ];
        var kept = defaults.Chunk(2).Where(pair => !extra.Contains(pair[0])).SelectMany(pair => pair);
        return ["train", .. kept, .. extra];
    }

    private static string[] Leftovers(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Where(p => p.Contains(".tmp-")).ToArray();

    [Fact]
    public void P1_nan_in_seismic_data_is_one_line_naming_file_sample_and_position_in_every_verb()
    {
        var data = Dataset();
        var file = Path.Combine(data, "train", "data", "data1.npy");
        SetValue(file, 5 * 1000 * 70 + 1000 * 70 + 3 * 70 + 9, float.NaN); // sample 1, shot 1, time 3, receiver 9
        var expected = $"{file}: sample 1 holds NaN at (shot 1, time 3, receiver 9)";

        AssertError(CliRunner.Run("prepare", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--image-size", "16"), 3, expected);
        AssertError(CliRunner.Run("export", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--split", "train", "--index", "1",
                                  "--image-size", "16", "--out-dir", _dir["export"]), 3, expected);
        AssertError(CliRunner.Run(Train(data, "--num-itr", "1")), 3, expected);
        Assert.Empty(Leftovers(data));
        Assert.False(File.Exists(_dir["export/velocity.npy"]));
    }

    [Fact]
    public void P2_an_overflowing_image_size_is_a_usage_error_with_the_memory_it_needs()
    {
        var data = Dataset();
        AssertError(CliRunner.Run("prepare", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--image-size", "100000"), 2, "at most 4096", "223.5 GiB");
        AssertError(CliRunner.Run(Train(data, "--num-itr", "1", "--image-size", "100000")), 2, "--image-size must be at most 4096", "GiB");
        Assert.Empty(Leftovers(data));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(0f)]
    [InlineData(1e30f)]
    public void P3_non_finite_or_absurd_velocities_are_rejected_at_the_door(float value)
    {
        var data = Dataset();
        var file = Path.Combine(data, "val", "model", "model1.npy");
        SetValue(file, 70 * 70 + 5 * 70 + 6, value); // sample 1, z 5, x 6
        AssertError(CliRunner.Run("prepare", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--image-size", "16"), 3,
                    $"{file}: sample 1 holds velocity {value} m/s at (z 5, x 6)");
    }

    [Fact]
    public void P4_P5_SIGTERM_stops_a_real_training_process_with_a_checkpoint_a_second_process_is_refused_and_the_run_resumes()
    {
        var data = Dataset();
        var cli = Path.Combine(AppContext.BaseDirectory, "seismic-i2sb.dll");
        var args = Train(data, "--num-itr", "100000", "--save-every", "100000", "--log-every", "1");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var firstIteration = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); if (e.Data?.StartsWith("itr ") == true) firstIteration.Set(); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(firstIteration.Wait(TimeSpan.FromMinutes(3)), $"no iteration logged:\n{output}");

            // P5: a second process on the same run folder is refused while the first trains.
            AssertError(CliRunner.Run(Train(data, "--num-itr", "1", "--overwrite")), 5, $"in use by process {process.Id}");

            // P4: SIGTERM finishes the iteration, writes the checkpoint, says how to resume, exits 143.
            Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"did not stop:\n{output}");
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        string log;
        lock (output) log = output.ToString();
        Assert.True(process.ExitCode == 143, $"exit {process.ExitCode}:\n{log}");
        var ckpt = Path.Combine(_dir["results"], "run", "latest.ckpt");
        Assert.Contains($"Resume with: seismic-i2sb train --dataset-dir {data}", log);
        Assert.Contains($"--ckpt {ckpt}", log);
        Assert.False(File.Exists(Path.Combine(_dir["results"], "run", ".lock")));
        int stopped = int.Parse(System.Text.RegularExpressions.Regex.Match(log, @"Stopped by SIGTERM at iteration (\d+)").Groups[1].Value);
        Assert.True(stopped >= 1);

        // P5: starting afresh on the existing run is refused; resuming continues where it stopped.
        AssertError(CliRunner.Run(Train(data, "--num-itr", "1")), 5, "already holds a run", "--ckpt", "--overwrite");
        var resumed = CliRunner.Succeed(Train(data, "--num-itr", $"{stopped + 1}", "--ckpt", ckpt));
        Assert.Contains($"Resumed from {ckpt} at iteration {stopped}", resumed.Out);
        Assert.Contains($"Trained {stopped + 1} iterations (Completed)", resumed.Out);
    }

    [Fact]
    public void Bf16_training_writes_a_checkpoint_that_samples_in_bf16_and_resumes_in_fp32()
    {
        var data = Dataset();
        var trained = CliRunner.Succeed(Train(data, "--num-itr", "1", "--precision", "bf16"));
        Assert.Contains("precision bf16", trained.Out);
        var ckpt = Path.Combine(_dir["results"], "run", "latest.ckpt");
        var sampled = CliRunner.Succeed("sample", "--ckpt", ckpt, "--gpu", "cpu", "--out-dir", _dir["bf16"], "--precision", "bf16", "--figures", "0");
        Assert.Contains("precision bf16", sampled.Out);
        Assert.True(File.Exists(_dir["bf16/prediction.npy"]));
        var resumed = CliRunner.Succeed(Train(data, "--num-itr", "2", "--ckpt", ckpt));
        Assert.Contains("precision fp32", resumed.Out);
    }

    [Fact]
    public void P6_P8_P9_checkpoint_problems_resume_conflicts_and_output_folders()
    {
        var data = Dataset();
        CliRunner.Succeed(Train(data, "--num-itr", "1"));
        var ckpt = Path.Combine(_dir["results"], "run", "latest.ckpt");

        // P6: bytes flipped near the end of a checkpoint are caught by the checksum, naming file and section.
        var bytes = File.ReadAllBytes(ckpt);
        for (int i = bytes.Length - 100; i < bytes.Length - 90; i++) bytes[i] ^= 0x21;
        var broken = _dir["broken.ckpt"];
        File.WriteAllBytes(broken, bytes);
        AssertError(CliRunner.Run("sample", "--ckpt", broken, "--gpu", "cpu", "--out-dir", _dir["s1"]), 3, broken, "checksum");

        // P8: a resume that contradicts the checkpoint lists the differences by flag.
        AssertError(CliRunner.Run(Train(data, "--num-itr", "2", "--ckpt", ckpt, "--image-size", "24", "--interval", "200")), 5,
                    "--image-size 16 in the checkpoint, 24 now", "--interval 100 in the checkpoint, 200 now");

        // P9: an unusable --out-dir fails before the sampling work (a regular file stands where a folder should be).
        File.WriteAllText(_dir["file"], "x");
        foreach (var verb in new[] { "sample", "evaluate" })
        {
            var clock = Stopwatch.StartNew();
            AssertError(CliRunner.Run(verb, "--ckpt", ckpt, "--gpu", "cpu", "--out-dir", _dir["file/out"]), 4, _dir["file/out"], "cannot be written");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{verb} failed only after {clock.Elapsed}");
        }

        // Results of an earlier run are cleared first, so a failed run leaves nothing that looks complete.
        Directory.CreateDirectory(_dir["s2"]);
        File.WriteAllText(_dir["s2/prediction.npy"], "stale");
        AssertError(CliRunner.Run("sample", "--ckpt", ckpt, "--gpu", "cpu", "--out-dir", _dir["s2"], "--nfe", "1000"), 2, "--nfe");
        Assert.False(File.Exists(_dir["s2/prediction.npy"]));
    }

    [Theory]
    [InlineData(2, "--guidance must be finite, got NaN", "train", "--guidance", "NaN")]
    [InlineData(2, "--time-limit must be a positive number of minutes, got -5", "train", "--time-limit", "-5")]
    [InlineData(2, "--minutes must be a positive number of minutes, got -1", "quickstart", "--minutes", "-1")]
    [InlineData(2, "--iterations must be positive, got 0", "quickstart", "--iterations", "0")]
    [InlineData(2, "--train must be >= 0", "synthesize", "--family", "FlatVel_A", "--train", "-1", "--val", "1")]
    [InlineData(2, "--per-file must be >= 1", "synthesize", "--family", "FlatVel_A", "--train", "1", "--val", "1", "--per-file", "0")]
    [InlineData(2, "--threads must be -1 or positive", "synthesize", "--family", "FlatVel_A", "--train", "1", "--val", "1", "--threads", "0")]
    [InlineData(2, "--vmin and --vmax must be finite", "plot", "--velocity", "v.npy", "--vmin", "NaN", "--vmax", "3000", "--out", "p.png")]
    [InlineData(2, "Unrecognized command or argument '--bogus'", "prepare", "--dataset-dir", "d", "--dataset-name", "FlatVel_A", "--bogus")]
    public void P8_P9_bad_flags_name_the_flag_the_user_typed(int exitCode, string expected, params string[] args)
    {
        var data = Dataset();
        var full = args[0] switch
        {
            "train" => Train(data, ["--num-itr", "1", .. args[1..]]),
            "quickstart" => [.. args, "--out", _dir["qs"]],
            "synthesize" => [.. args, "--out", _dir["syn"]],
            _ => args,
        };
        var result = CliRunner.Run(full);
        AssertError(result, exitCode, expected);
        Assert.DoesNotContain("--num-itr", result.Error); // quickstart names its own flags
        Assert.False(Directory.Exists(_dir["qs/data"]));
    }

    [Theory]
    [InlineData(1e-40f)]
    [InlineData(1e6f)]
    public void P8_forward_rejects_implausible_velocities_by_name(float value)
    {
        var v = _dir["v.npy"];
        NpyWriter.Write(v, Enumerable.Repeat(value, 70 * 70).ToArray(), [70, 70]);
        AssertError(CliRunner.Run("forward", "--velocity", v, "--out", _dir["s.npy"]), 2, v, "physically plausible range [100, 20000] m/s");
        Assert.False(File.Exists(_dir["s.npy"]));
    }

    [Fact]
    public void The_debug_switch_adds_the_trace_after_the_error_line()
    {
        var args = new[] { "prepare", "--dataset-dir", _dir["nowhere"], "--dataset-name", "FlatVel_A" };
        AssertError(CliRunner.Run(args), 3, "nowhere");
        var verbose = CliRunner.Run([.. args, "--verbose"]);
        Assert.Equal(3, verbose.ExitCode);
        Assert.StartsWith("error:", verbose.ErrorLines[0]);
        Assert.Contains("   at ", verbose.Error);
    }
}
