using System.CommandLine;
using Seismic.I2sb.Cli.Commands;
using Seismic.Training.Distributed;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>
/// Each verb's table from setting paths (ArgumentException.ParamName) to flags: an invalid value of every mapped flag is
/// reported under the flag the user typed, at the start of the message.
/// </summary>
public sealed class FlagTableTests
{
    private static ParseResult Parse(params string[] args)
    {
        var parse = Seismic.I2sb.Cli.Commands.Cli.BuildRoot().Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        return parse;
    }

    private static string Reported(Action validate, IReadOnlyDictionary<string, string> flags)
    {
        var e = Assert.IsAssignableFrom<ArgumentException>(Record.Exception(validate));
        var (code, message) = CliAction.Describe(e, flags);
        Assert.Equal((int)ExitCode.Usage, code);
        Assert.DoesNotContain("(Parameter '", message);
        return message;
    }

    // Cases per flag of `train`; --model is left out (its path, Model.Network, fails only with a dataset config of other
    // than 5 shots), --init-from too (it is applied from the run's files).
    public static TheoryData<string, string[]> TrainCases => new()
    {
        { "--dataset-dir", ["--dataset-dir", " "] },
        { "--dropout", ["--dropout", "1.5"] },
        { "--image-size", ["--image-size", "12"] },
        { "--interval", ["--interval", "7"] },
        { "--beta-max", ["--beta-max", "-1"] },
        { "--t0", ["--t0", "NaN"] },
        { "--T", ["--T", "0"] },
        { "--batch-size", ["--batch-size", "0"] },
        { "--microbatch", ["--microbatch", "3"] },
        { "--num-itr", ["--num-itr", "0"] },
        { "--lr", ["--lr", "0"] },
        { "--lr-gamma", ["--lr-gamma", "0"] },
        { "--lr-step", ["--lr-step", "0"] },
        { "--l2-norm", ["--l2-norm", "-1"] },
        { "--clip-grad-norm", ["--clip-grad-norm", "-1"] },
        { "--ema", ["--ema", "1"] },
        { "--drop_cond", ["--drop_cond", "2"] },
        { "--save-every", ["--save-every", "0"] },
        { "--val-every", ["--val-every", "0"] },
        { "--val-batches", ["--val-batches", "-1"] },
        { "--val-batch-size", ["--val-batch-size", "0"] },
        { "--guidance", ["--guidance", "NaN"] },
        { "--log-every", ["--log-every", "0"] },
        { "--time-limit", ["--time-limit", "0"] },
        { "--result-dir", ["--result-dir", " "] },
        { "--name", ["--name", ".."] },
    };

    [Theory]
    [MemberData(nameof(TrainCases))]
    public void Train_reports_an_invalid_setting_by_its_flag(string flag, string[] args)
    {
        string[] all = args[0] == "--dataset-dir" ? ["train", .. args] : ["train", "--dataset-dir", "d", .. args];
        var message = Reported(() => TrainCommand.Bind(Parse(all)).Validate(), TrainCommand.Flags);
        Assert.StartsWith(flag + " ", message);
    }

    [Fact]
    public void Train_maps_the_process_group_and_memory_paths_too()
    {
        Assert.StartsWith("--collective-timeout must be positive",
            Reported(new ProcessGroupOptions { CollectiveTimeout = TimeSpan.FromMinutes(-1) }.Validate, TrainCommand.Flags));
        Assert.Matches(@"^--microbatch \d+ at ImageSize 256 needs [\d.]+ GiB per batch",
            Reported(() => TrainCommand.Bind(Parse("train", "--dataset-dir", "d", "--batch-size", "1073741824", "--microbatch", "1073741824")).Validate(), TrainCommand.Flags));
    }

    [Fact]
    public void Every_flag_of_the_train_table_is_covered_or_named_as_left_out()
    {
        string[] conflictsOnly = ["--ckpt", "--overwrite", "--seed", "--dataset-name", "--corrupt", "--ot-ode", "--pred-x0"]; // Run_conflicts_name_flags
        var covered = TrainCases.Select(c => (string)c[0]).Concat(["--collective-timeout", "--model", "--init-from", .. conflictsOnly]).ToHashSet();
        Assert.All(TrainCommand.Flags.Values, f => Assert.Contains(f, covered));
    }

    [Theory]
    [InlineData("--nfe", "--nfe", "1000")]
    [InlineData("--guidance", "--guidance", "NaN")]
    [InlineData("--batch-size", "--batch-size", "0")]
    [InlineData("--max-samples", "--max-samples", "0")]
    public void Sample_and_evaluate_report_an_invalid_setting_by_its_flag(string flag, params string[] args)
    {
        foreach (var verb in new[] { "sample", "evaluate" })
        {
            var parse = Parse([verb, "--ckpt", "c.ckpt", "--out-dir", "o", .. args]);
            Assert.StartsWith(flag + " ", Reported(() => SamplingOptions.Evaluation(parse).Validate(1000), SamplingOptions.Flags));
        }
    }

    [Fact]
    public void Sample_maps_the_original_samplers_and_the_refiners_paths()
    {
        var partition = Parse("sample", "--ckpt", "c.ckpt", "--out-dir", "o", "--protocol", "original", "--partition", "1_1");
        Assert.StartsWith("--partition must satisfy", Reported(() => OriginalSampleOutputs.Options(partition).Validate(1000), SamplingOptions.Flags));
        var batches = Parse("sample", "--ckpt", "c.ckpt", "--out-dir", "o", "--protocol", "original", "--total-batches", "0");
        Assert.StartsWith("--total-batches must be positive", Reported(() => OriginalSampleOutputs.Options(batches).Validate(1000), SamplingOptions.Flags));
        var prior = Parse("evaluate", "--ckpt", "c.ckpt", "--out-dir", "o", "--refine", "2", "--refine-prior", "-1");
        Assert.StartsWith("--refine-prior must be >= 0", Reported(() => SamplingOptions.Refiner(prior, null!), SamplingOptions.Flags));
    }

    // Run through the whole command: these verbs validate inside their bodies, before anything is written.
    [Theory]
    [InlineData("synthesize", "--train must be >= 0", "--train", "-1")]
    [InlineData("synthesize", "--val must be >= 0", "--val", "-1")]
    [InlineData("synthesize", "--per-file must be >= 1", "--per-file", "0")]
    [InlineData("synthesize", "--threads must be -1 or positive", "--threads", "0")]
    [InlineData("synthesize", "--out must be a folder path", "--out", " ")]
    [InlineData("quickstart", "--iterations must be positive", "--iterations", "0")]
    [InlineData("quickstart", "--lr must be positive", "--lr", "0")]
    [InlineData("quickstart", "--batch-size must be positive", "--batch-size", "0")]
    [InlineData("quickstart", "--image-size must be a positive multiple of 8", "--image-size", "12")]
    [InlineData("quickstart", "--minutes must be a positive number", "--minutes", "0")]
    public void Synthesize_and_quickstart_report_an_invalid_setting_by_its_flag(string verb, string expected, string flag, string value)
    {
        var never = Path.Combine(Path.GetTempPath(), $"seismic-flags-{Guid.NewGuid():N}");
        var flags = verb == "synthesize"
            ? new Dictionary<string, string> { ["--family"] = "FlatVel_A", ["--train"] = "1", ["--val"] = "1", ["--out"] = never }
            : new Dictionary<string, string> { ["--out"] = never };
        flags[flag] = value;
        var result = CliRunner.Run([verb, .. flags.SelectMany(f => new[] { f.Key, f.Value })]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {expected}", result.Error);
        Assert.False(Directory.Exists(Path.Combine(never, "data")));
    }

    [Fact]
    public void Run_conflicts_name_flags_for_every_setting_they_list()
    {
        var conflict = new Seismic.Training.RunConflictException(
            "/runs/Name/latest.ckpt cannot be resumed with these options: Model.Bridge.T 2 in the checkpoint, 1 now; Model.Bridge.T0 0.1 in the checkpoint, 0.2 now; " +
            "Seed 1 in the checkpoint, 2 now; give ResumeFrom to resume it, Overwrite to replace it, or another Name");
        var (code, message) = CliAction.Describe(conflict, TrainCommand.Flags);
        Assert.Equal((int)ExitCode.RunConflict, code);
        Assert.Equal("/runs/Name/latest.ckpt cannot be resumed with these options: --T 2 in the checkpoint, 1 now; --t0 0.1 in the checkpoint, 0.2 now; " +
                     "--seed 1 in the checkpoint, 2 now; give --ckpt to resume it, --overwrite to replace it, or another --name", message);
    }

    [Fact]
    public void Other_messages_are_printed_as_they_are()
    {
        Assert.Equal("Microbatch must divide BatchSize", CliAction.Flag("Microbatch must divide BatchSize", null, TrainCommand.Flags));
        Assert.Equal("Unknown.Path is wrong", CliAction.Flag("Unknown.Path is wrong", "Unknown.Path", TrainCommand.Flags));
        // A message that does not start with its path is left alone rather than half rewritten.
        Assert.Equal("the microbatch", CliAction.Flag("the microbatch", "Optimization.Microbatch", TrainCommand.Flags));
        Assert.Equal("--microbatch must divide", CliAction.Flag("Optimization.Microbatch must divide", "Optimization.Microbatch", TrainCommand.Flags));
    }
}
