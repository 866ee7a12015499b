using System.CommandLine;
using Seismic.Models;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>Where a model comes from: a checkpoint file, and for a run of the Python original its options.pkl.</summary>
/// <param name="Checkpoint">The checkpoint file (this library's <c>.ckpt</c>, or the original's <c>.pt</c>).</param>
/// <param name="Original">The original run's options; null for this library's checkpoints.</param>
internal sealed record ModelSource(string Checkpoint, OriginalRunOptions? Original);

/// <summary>
/// <c>--result-dir R --name N [--ckpt FILE]</c> for <c>sample</c> and <c>evaluate</c>: a run of <c>train</c>
/// (<c>R/N/latest.ckpt</c>) or of the Python original (<c>R/N/checkpoints/options.pkl</c> and <c>R/N/checkpoints/latest.pt</c>),
/// found by what the folder holds. A bare <c>--ckpt</c> names a file in the run folder; a path that exists is used as given.
/// </summary>
internal static class RunFolder
{
    /// <summary>The file the original's scripts read when --ckpt is not given.</summary>
    public const string OriginalDefaultCheckpoint = "latest.pt";

    public static readonly Option<string?> ResultDir = new("--result-dir") { Description = "With --name: the run RESULT_DIR/NAME to load, of 'train' (latest.ckpt) or of the Python original (checkpoints/options.pkl + latest.pt)." };
    public static readonly Option<string?> Name = new("--name") { Description = "The run's name (see --result-dir)." };

    /// <summary>The checkpoint the flags name, and the original's options when it is a run of the original.</summary>
    /// <exception cref="ArgumentException">Neither --ckpt nor --result-dir/--name, or only one of the latter.</exception>
    /// <exception cref="FileNotFoundException">The run folder holds no run, or the checkpoint is missing.</exception>
    public static ModelSource Resolve(ParseResult parse)
    {
        string? root = parse.GetValue(ResultDir), name = parse.GetValue(Name), ckpt = parse.GetValue(SamplingOptions.Ckpt);
        if (root is null != name is null)
            throw new ArgumentException("--result-dir and --name go together: the run is RESULT_DIR/NAME");
        if (root is null)
        {
            if (ckpt is null) throw new ArgumentException("give the model: --ckpt FILE, or --result-dir R --name N for a run of 'train' or of the Python original");
            CliAction.RequireFile(ckpt, "checkpoint");
            if (StateDictFile.DetectFormat(ckpt) is StateDictFormat.PyTorchZip or StateDictFormat.PyTorchLegacy)
                throw new ArgumentException($"{ckpt} is a PyTorch checkpoint of the Python original; its model is described by the run's options.pkl: give --result-dir R --name N (and --ckpt {Path.GetFileName(ckpt)})");
            return new ModelSource(ckpt, null);
        }
        var run = Path.Combine(root, name!);
        var options = Path.Combine(run, "checkpoints", OriginalRunOptions.FileName);
        if (File.Exists(options))
        {
            var path = InFolder(Path.Combine(run, "checkpoints"), ckpt ?? OriginalDefaultCheckpoint);
            CliAction.RequireFile(path, "checkpoint of the original's run");
            return new ModelSource(path, OriginalRunOptions.Read(options));
        }
        var own = InFolder(run, ckpt ?? Trainer.CheckpointFileName);
        if (!File.Exists(own))
            throw new FileNotFoundException($"{run} holds neither a run of 'train' ({Trainer.CheckpointFileName}) nor of the Python original (checkpoints/{OriginalRunOptions.FileName}): {own} not found", own);
        return new ModelSource(own, null);
    }

    /// <summary>Prints the options of an original run that have no counterpart here, so that none is dropped silently.</summary>
    public static void ReportUnsupported(OriginalRunOptions options)
    {
        var unsupported = options.Unsupported;
        if (unsupported.Count == 0) return;
        Console.WriteLine($"{options.Path}: {unsupported.Count} option(s) with no counterpart here, not used: " +
                          string.Join(", ", unsupported.Select(n => $"{n}={options.Format(n)}")));
    }

    private static string InFolder(string folder, string file) =>
        Path.IsPathRooted(file) || File.Exists(file) && file.Contains(Path.DirectorySeparatorChar) ? file : Path.Combine(folder, file);
}
