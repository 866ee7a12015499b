using System.CommandLine;
using System.Globalization;
using Seismic.Data.IO;
using Seismic.Data.Npy;
using Seismic.Models;
using Seismic.Models.Evaluation;
using static TorchSharp.torch;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// <c>sample --protocol original</c>: the Python original's sample.py (<see cref="OriginalSampler"/>), written in its
/// folder layout <c>OUT/samples/SEED/nfe=K_guidance-scale=G_[clip]/</c>: <c>batch_i_model.npy</c> (B draws, normalised)
/// and <c>batch_i_data.npy</c> (the condition), and with --write-pt the original's <c>batch_i.pt</c>
/// (<c>{"model": ..., "data": ...}</c>, loadable with torch.load).
/// </summary>
internal static class OriginalSampleOutputs
{
    public static readonly Option<int> TotalBatches = new("--total-batches") { Description = "With --protocol original: batches to sample at most (the original's default: 100).", DefaultValueFactory = _ => 100 };
    public static readonly Option<string?> Partition = new("--partition") { Description = "With --protocol original: a_b samples the a-th of b equal parts of the split (0-based), e.g. 0_4." };
    public static readonly Option<bool> WritePt = new("--write-pt") { Description = "With --protocol original: also write the original's batch_i.pt files ({\"model\", \"data\"}, for torch.load)." };

    public static IEnumerable<Option> All() => [TotalBatches, Partition, WritePt];

    /// <summary>Samples as the original's sample.py and writes its folder; returns the exit code.</summary>
    public static int Run(ParseResult parse, BridgeModel model)
    {
        var options = Options(parse);
        var sampler = new OriginalSampler(model, options);
        using var dataset = SamplingOptions.OpenDataset(parse, model);
        var folder = Path.Combine(parse.GetValue(SamplingOptions.OutDir)!, "samples", options.Seed.ToString(CultureInfo.InvariantCulture),
                                  FolderName(options.Sampler.Nfe ?? model.Bridge.Interval - 1, options.Sampler.GuidanceScale, options.Sampler.ClipDenoise ?? model.Spec.ClipDenoise));
        Directory.CreateDirectory(folder);
        bool writePt = parse.GetValue(WritePt);
        int draws = 0;
        int batches = sampler.Run(dataset, batch =>
        {
            long[] modelShape = [batch.Draws, 1, batch.Size, batch.Size];
            long[] dataShape = [batch.Draws, batch.Condition.Length / (batch.Draws * batch.Size * batch.Size), batch.Size, batch.Size];
            NpyWriter.Write(Path.Combine(folder, $"batch_{batch.Batch}_data.npy"), batch.Condition, [.. dataShape.Select(d => (int)d)]);
            NpyWriter.Write(Path.Combine(folder, $"batch_{batch.Batch}_model.npy"), batch.Prediction, [.. modelShape.Select(d => (int)d)]);
            if (writePt) WriteTorch(Path.Combine(folder, $"batch_{batch.Batch}.pt"), batch.Prediction, modelShape, batch.Condition, dataShape);
            draws += batch.Draws;
        });
        Console.WriteLine($"Sampled {batches} batch(es), {draws} draws (NFE {options.Sampler.Nfe}) -> {folder}");
        return 0;
    }

    /// <summary>The original's folder name: <c>nfe=K_guidance-scale=G_</c> and <c>clip</c> when x0_hat is clamped.</summary>
    internal static string FolderName(int nfe, double guidance, bool clip) =>
        $"nfe={nfe}_guidance-scale={PythonFloat(guidance)}_{(clip ? "clip" : "")}";

    /// <summary>A float as Python's str() writes it (shortest round trip, at least one decimal).</summary>
    internal static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || !double.IsFinite(value) ? text.Replace("E", "e") : text + ".0";
    }

    /// <summary>The original sampler's options as the flags set them.</summary>
    internal static OriginalSamplingOptions Options(ParseResult parse)
    {
        var evaluation = SamplingOptions.Evaluation(parse);
        return new OriginalSamplingOptions
        {
            Seed = (long)evaluation.Seed.Value,
            BatchSize = evaluation.BatchSize,
            TotalBatches = parse.GetValue(TotalBatches),
            Partition = ParsePartition(parse.GetValue(Partition)),
            Sampler = evaluation.Sampler,
            Corruption = evaluation.Corruption,
        };
    }

    internal static (int, int)? ParsePartition(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('_');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b))
            return (a, b);
        throw new ArgumentException($"--partition must be a_b (the a-th of b parts, 0-based), e.g. 0_4; got '{text}'");
    }

    private static void WriteTorch(string path, float[] prediction, long[] predictionShape, float[] condition, long[] conditionShape)
    {
        using var scope = NewDisposeScope();
        var dict = new Dictionary<string, Tensor>
        {
            ["model"] = tensor(prediction, predictionShape),
            ["data"] = tensor(condition, conditionShape),
        };
        AtomicFile.Write(path, stream => TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(stream, dict, leaveOpen: true));
    }
}
