using System.CommandLine;
using Seismic.Data.Npy;
using Seismic.Plotting;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// The `plot` verb: figures of velocity models (prediction, truth, smoothed input x1, error) and shot gathers
/// from .npy files, as PNG.
/// </summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var velocity = new Option<string?>("--velocity") { Description = "Velocity model to plot (the prediction when --truth is given): .npy of shape (H,W), (1,H,W) or (N,1,H,W), in m/s." };
        var truth = new Option<string?>("--truth") { Description = "True velocity model (.npy, same shape): adds truth and error panels." };
        var x1 = new Option<string?>("--x1") { Description = "Smoothed input x1 (.npy, same shape): adds its panel." };
        var seismic = new Option<string?>("--seismic") { Description = "Seismic data: .npy of shape (time, receivers), (shots, time, receivers) or (N, shots, time, receivers)." };
        var shot = new Option<int>("--shot") { Description = "Shot to plot from --seismic.", DefaultValueFactory = _ => 0 };
        var index = new Option<int>("--index") { Description = "Sample to plot from batched files (first axis).", DefaultValueFactory = _ => 0 };
        var normalised = new Option<bool>("--normalised") { Description = "Velocity files hold normalised values in [-1, 1]: convert with v * 1500 + 3000." };
        var colormap = new Option<FigureColormap>("--colormap") { Description = "Velocity colormap.", DefaultValueFactory = _ => FigureColormap.Jet };
        var vmin = new Option<double?>("--vmin") { Description = "Lower end of the velocity colour bar in m/s (default: the data's minimum; needs --vmax)." };
        var vmax = new Option<double?>("--vmax") { Description = "Upper end of the velocity colour bar in m/s (default: the data's maximum; needs --vmin)." };
        var output = new Option<string>("--out") { Description = "PNG to write. With both --velocity and --seismic, the gather goes to <out>-shot<K>.png.", Required = true };

        var command = new Command("plot", "Draw velocity models (prediction, truth, x1, error; depth downward, m/s) and shot gathers as PNG.");
        foreach (var o in new Option[] { velocity, truth, x1, seismic, shot, index, normalised, colormap, vmin, vmax, output })
            command.Options.Add(o);

        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var velocityPath = parse.GetValue(velocity);
            var truthPath = parse.GetValue(truth);
            var x1Path = parse.GetValue(x1);
            var seismicPath = parse.GetValue(seismic);
            var outPath = parse.GetValue(output)!;
            int sample = parse.GetValue(index);
            bool isNormalised = parse.GetValue(normalised);

            if (velocityPath is null && seismicPath is null)
                throw new ArgumentException("plot needs --velocity or --seismic (or both).");
            if (velocityPath is null && (truthPath is not null || x1Path is not null))
                throw new ArgumentException("--truth and --x1 are drawn beside --velocity: give --velocity too.");
            if (sample < 0) throw new ArgumentException($"--index must be 0 or more; got {sample}.");

            var written = new List<Figure>();
            if (velocityPath is not null)
            {
                var (low, high) = (parse.GetValue(vmin), parse.GetValue(vmax));
                if (low.HasValue != high.HasValue) throw new ArgumentException("--vmin and --vmax go together.");
                if (low is { } l && !double.IsFinite(l) || high is { } h && !double.IsFinite(h))
                    throw new ArgumentException($"--vmin and --vmax must be finite (m/s), got {low} and {high}.");
                if (low >= high) throw new ArgumentException($"--vmin ({low}) must be below --vmax ({high}).");
                var options = MapFigureOptions.Default with
                {
                    VelocityColormap = parse.GetValue(colormap),
                    VelocityRange = low.HasValue ? new ValueRange(low.Value, high!.Value) : null,
                };

                Map2D LoadVelocity(string path)
                {
                    var map = LoadMap(path, sample, shotIndex: null);
                    return isNormalised ? map.Select(ResultFigures.Normalization(null).DenormalizeVelocity) : map;
                }

                var prediction = LoadVelocity(velocityPath);
                var x1Map = x1Path is null ? null : RequireSameSize(LoadVelocity(x1Path), prediction, x1Path, velocityPath);
                Figure figure;
                if (truthPath is not null)
                {
                    var truthMap = RequireSameSize(LoadVelocity(truthPath), prediction, truthPath, velocityPath);
                    figure = SeismicFigures.Comparison(truthMap, x1Map, prediction, options);
                }
                else
                {
                    var panels = new List<MapPanel>();
                    if (x1Map is not null) panels.Add(MapPanel.Velocity("smoothed input x1", x1Map));
                    panels.Add(MapPanel.Velocity(Path.GetFileNameWithoutExtension(velocityPath), prediction));
                    figure = SeismicFigures.Maps(panels, options);
                }
                figure.SavePng(outPath);
                Console.WriteLine($"wrote {outPath} ({figure.WidthPixels} x {figure.HeightPixels} px)");
            }

            if (seismicPath is not null)
            {
                int shotIndex = parse.GetValue(shot);
                if (shotIndex < 0) throw new ArgumentException($"--shot must be 0 or more; got {shotIndex}.");
                var gather = LoadMap(seismicPath, sample, shotIndex);
                var path = velocityPath is null
                    ? outPath
                    : Path.Combine(Path.GetDirectoryName(outPath) ?? "", $"{Path.GetFileNameWithoutExtension(outPath)}-shot{shotIndex}.png");
                var figure = SeismicFigures.ShotGather(gather, $"shot {shotIndex}");
                figure.SavePng(path);
                Console.WriteLine($"wrote {path} ({figure.WidthPixels} x {figure.HeightPixels} px)");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Reads one map from a .npy file: the last two axes are the map; the first axis of a batched file is picked
    /// by <paramref name="sample"/>, and for seismic files the shot axis (the one before time) by <paramref name="shotIndex"/>.
    /// </summary>
    private static Map2D LoadMap(string path, int sample, int? shotIndex)
    {
        CliAction.RequireFile(path, "input file");
        var values = NpyFile.ReadAllFloat32(path, out var shape);
        var leading = new List<int>();
        int rank = shape.Length;
        if (shotIndex is { } k)
        {
            // (time, receivers), (shots, time, receivers) or (N, shots, time, receivers).
            if (rank == 4) leading.Add(sample);
            else if (sample != 0) throw new ArgumentException($"{path}: --index {sample} given but shape ({string.Join(", ", shape)}) has no batch axis.");
            if (rank >= 3) leading.Add(k);
            else if (k != 0) throw new ArgumentException($"{path}: --shot {k} given but shape ({string.Join(", ", shape)}) holds one gather.");
        }
        else if (rank > 2)
        {
            leading.Add(sample);
        }
        else if (sample != 0)
        {
            throw new ArgumentException($"{path}: --index {sample} given but shape ({string.Join(", ", shape)}) has no batch axis.");
        }
        if (rank > 4) throw new ArgumentException($"{path}: shape ({string.Join(", ", shape)}) has too many axes for a map.");

        Map2D map;
        try
        {
            map = Map2D.Slice(values, shape, [.. leading]);
        }
        catch (ArgumentException e)
        {
            // Name the file; drop .NET's " (Parameter '...')" suffix, which means nothing on the command line.
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
            throw new ArgumentException($"{path}: {message}");
        }
        var v = map.Values;
        for (int i = 0; i < v.Length; i++)
        {
            if (!float.IsFinite(v[i]))
                throw new ArgumentException($"{path}: value at row {i / map.Width}, column {i % map.Width} is {v[i]}; cannot plot non-finite values.");
        }
        return map;
    }

    private static Map2D RequireSameSize(Map2D map, Map2D reference, string path, string referencePath) =>
        map.Height == reference.Height && map.Width == reference.Width
            ? map
            : throw new ArgumentException($"{path}: map is {map.Height} x {map.Width} but {referencePath} is {reference.Height} x {reference.Width}.");
}
