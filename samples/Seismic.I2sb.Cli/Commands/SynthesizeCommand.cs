using System.CommandLine;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Synthesis;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `synthesize` verb: writes an OpenFWI-format dataset of one velocity family (resumable).</summary>
internal static class SynthesizeCommand
{
    /// <summary>The SynthesisOptions settings (ArgumentException.ParamName paths) that this verb's flags set, and those flags.</summary>
    internal static readonly Dictionary<string, string> Flags = new()
    {
        ["TrainSamples"] = "--train", ["ValidationSamples"] = "--val", ["SamplesPerFile"] = "--per-file",
        ["MaxDegreeOfParallelism"] = "--threads", ["OutputDirectory"] = "--out",
    };

    public static Command Create()
    {
        var family = new Option<string>("--family") { Description = $"Velocity family: {string.Join(", ", OpenFwiDataset.All.Select(d => d.Name))}.", Required = true };
        var train = new Option<int>("--train") { Description = "Training samples.", Required = true };
        var val = new Option<int>("--val") { Description = "Validation samples.", Required = true };
        var perFile = new Option<int>("--per-file") { Description = "Samples per .npy file (OpenFWI: 500).", DefaultValueFactory = _ => 500 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the velocity models.", DefaultValueFactory = _ => 0UL };
        var output = new Option<string>("--out") { Description = "Output folder (train/, val/, manifest.json). Rerun the same command to resume.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Threads (-1: all cores).", DefaultValueFactory = _ => -1 };
        var command = new Command("synthesize", "Synthesise an OpenFWI-format dataset: seeded velocity models and their exact OpenFWI forward models.");
        foreach (var o in new Option[] { family, train, val, perFile, seed, output, threads }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var dataset = OpenFwiDataset.Parse(parse.GetValue(family)!);
            var options = new SynthesisOptions
            {
                Family = dataset.Family!.Value, OutputDirectory = parse.GetValue(output)!,
                TrainSamples = parse.GetValue(train), ValidationSamples = parse.GetValue(val),
                SamplesPerFile = parse.GetValue(perFile), Seed = parse.GetValue(seed),
                MaxDegreeOfParallelism = parse.GetValue(threads),
            };
            var synthesizer = new DatasetSynthesizer(options);
            Console.WriteLine($"synthesizing {dataset.Name} (seed {options.Seed}): {options.TrainSamples} train + {options.ValidationSamples} val samples in {synthesizer.Files.Count} file pairs -> {options.OutputDirectory}");
            var progress = new LineProgress(p =>
            {
                double eta = p.SamplesDone > 0 ? p.Elapsed.TotalSeconds / p.SamplesDone * (p.SamplesTotal - p.SamplesDone) : 0;
                string what = p.Skipped ? "kept (already complete)" : "written";
                Console.WriteLine($"[{p.FilesDone}/{p.FilesTotal}] {p.File.Split}/{Path.GetFileName(p.File.DataPath)} + {Path.GetFileName(p.File.ModelPath)} ({p.File.Count} samples) {what}; {p.SamplesDone}/{p.SamplesTotal} samples, {p.Elapsed.TotalSeconds:0.0} s, ETA {eta:0} s");
            });
            var result = synthesizer.Run(progress);
            double perSample = result.SamplesWritten > 0 ? result.Elapsed.TotalSeconds / result.SamplesWritten : 0;
            Console.WriteLine($"done: {result.FilesWritten} file pairs written, {result.FilesSkipped} kept, {result.SamplesWritten} samples modelled in {result.Elapsed.TotalSeconds:0.0} s ({perSample:0.000} s/sample); manifest {result.ManifestPath}");
            return 0;
        }, Flags));
        return command;
    }

    private sealed class LineProgress(Action<SynthesisProgress> report) : IProgress<SynthesisProgress>
    {
        public void Report(SynthesisProgress value) => report(value);
    }
}
