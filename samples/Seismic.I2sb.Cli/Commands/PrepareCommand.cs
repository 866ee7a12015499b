using System.CommandLine;
using System.Diagnostics;
using Seismic.Data.Cache;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `prepare` verb: builds (or validates) the LMDB caches of the train and val splits.</summary>
internal static class PrepareCommand
{
    public static Command Create()
    {
        var datasetDir = new Option<string>("--dataset-dir") { Description = "Dataset folder holding train/ and val/, each with data/ and model/ .npy files.", Required = true };
        var datasetName = new Option<string>("--dataset-name") { Description = "OpenFWI dataset name, e.g. FlatVel_A (or flatvel-a).", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "Image side S in pixels (positive multiple of 8).", DefaultValueFactory = _ => 256 };
        var jsonConfig = new Option<string?>("--json-data-config") { Description = "JSON file in OpenFWI's dataset_config.json format overriding the built-in bounds." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Folder for the caches (default: inside each split folder, .cache-<key>-S<S>)." };

        var command = new Command("prepare", "Build or validate the train and val sample caches (normalised, resized to S x S).");
        foreach (var o in new Option[] { datasetDir, datasetName, imageSize, jsonConfig, cacheDir }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var dir = parse.GetValue(datasetDir)!;
            var config = parse.GetValue(jsonConfig) is { } json ? OpenFwiConfig.Load(json) : OpenFwiConfig.Default;
            int prepared = 0;
            foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Val })
            {
                var splitDir = Path.Combine(dir, split.FolderName());
                if (split == DatasetSplit.Val && !Directory.Exists(splitDir) && prepared > 0)
                {
                    Console.WriteLine($"{split.FolderName()}: no folder {splitDir}, skipped");
                    continue;
                }
                var watch = Stopwatch.StartNew();
                using var dataset = SeismicDataset.Builder()
                    .FromDirectory(dir).Dataset(parse.GetValue(datasetName)!).Split(split).ImageSize(parse.GetValue(imageSize))
                    .Config(config).CacheDirectory(parse.GetValue(cacheDir))
                    .Progress(new LineProgress(split.FolderName()))
                    .Build();
                var cache = dataset.Cache!;
                var state = cache.WasBuilt ? $"built ({cache.RebuildReason})" : "valid, reused";
                Console.WriteLine($"{split.FolderName()}: {dataset.Count} samples from {dataset.Layout.Pairs.Count} file pairs, " +
                                  $"cache {FormatBytes(cache.SizeBytes)} at {cache.Directory}, {state}, {watch.Elapsed.TotalSeconds:F1} s");
                prepared++;
            }
            return 0;
        }));
        return command;
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        _ => $"{bytes / 1024.0:F1} KiB",
    };

    /// <summary>Prints a plain line at every 10 % of a cache build (works when output is redirected).</summary>
    private sealed class LineProgress(string label) : IProgress<CacheBuildProgress>
    {
        private int _lastDecile = -1;

        public void Report(CacheBuildProgress value)
        {
            int decile = (int)(value.Fraction * 10);
            if (decile == _lastDecile) return;
            _lastDecile = decile;
            Console.WriteLine($"{label}: caching {value.Done}/{value.Total} samples ({value.Fraction:P0}), {value.Elapsed.TotalSeconds:F1} s");
        }
    }
}
