using System.CommandLine;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `export` verb: writes one sample exactly as the model sees it (normalised, resized) as .npy files.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var datasetDir = new Option<string>("--dataset-dir") { Description = "Dataset folder holding train/ and val/.", Required = true };
        var datasetName = new Option<string>("--dataset-name") { Description = "OpenFWI dataset name, e.g. FlatVel_A.", Required = true };
        var split = new Option<string>("--split") { Description = "train or val.", Required = true };
        var index = new Option<int>("--index") { Description = "Sample index within the split (0-based).", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "Image side S in pixels (positive multiple of 8).", DefaultValueFactory = _ => 256 };
        var outDir = new Option<string>("--out-dir") { Description = "Folder for velocity.npy (1,S,S) and seismic.npy (5,S,S).", Required = true };
        var jsonConfig = new Option<string?>("--json-data-config") { Description = "JSON file in OpenFWI's dataset_config.json format overriding the built-in bounds." };

        var command = new Command("export", "Write sample I as the model sees it: O/velocity.npy (1,S,S) and O/seismic.npy (5,S,S), float32, normalised.");
        foreach (var o in new Option[] { datasetDir, datasetName, split, index, imageSize, outDir, jsonConfig }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var config = parse.GetValue(jsonConfig) is { } json ? OpenFwiConfig.Load(json) : OpenFwiConfig.Default;
            // Straight from the .npy files through the same transform the cache stores: no cache build for one sample.
            using var dataset = SeismicDataset.Builder()
                .FromDirectory(parse.GetValue(datasetDir)!).Dataset(parse.GetValue(datasetName)!)
                .Split(DatasetSplits.Parse(parse.GetValue(split)!)).ImageSize(parse.GetValue(imageSize))
                .Config(config).UseCache(false)
                .Build();
            int i = parse.GetValue(index);
            if (i < 0 || i >= dataset.Count)
                throw new ArgumentException($"--index {i} is out of range: the {dataset.Split.FolderName()} split holds {dataset.Count} samples (0..{dataset.Count - 1})");
            var (v, s) = dataset.ExportSample(i, parse.GetValue(outDir)!);
            var (pair, local) = dataset.Layout.Locate(i);
            Console.WriteLine($"sample {i} ({Path.GetFileName(pair.DataPath)} #{local}) -> {v} (1,{dataset.ImageSize},{dataset.ImageSize}), {s} ({dataset.SeismicChannels},{dataset.ImageSize},{dataset.ImageSize})");
            return 0;
        }));
        return command;
    }
}
