using System.Globalization;
using System.Numerics;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;

namespace Seismic.Models;

/// <summary>
/// The options a run of the Python original was trained with: its <c>RESULT_DIR/NAME/checkpoints/options.pkl</c>, the
/// pickled <c>argparse.Namespace</c> of <c>train.py</c>, read without Python and without running any code (only plain
/// data, <c>argparse.Namespace</c> and <c>pathlib</c> paths are accepted; paths become strings). Maps the options onto a
/// <see cref="ModelSpec"/> and says which options have no counterpart here (<see cref="Unsupported"/>), so that nothing
/// is dropped silently.
/// </summary>
/// <example><code>
/// var run = OriginalRunOptions.Read("results/flatvel/checkpoints/options.pkl");
/// var spec = run.ToModelSpec();
/// foreach (var name in run.Unsupported) Console.WriteLine($"not used: {name} = {run.Format(name)}");
/// </code></example>
public sealed class OriginalRunOptions
{
    /// <summary>The file name of a run's options inside its <c>checkpoints</c> folder.</summary>
    public const string FileName = "options.pkl";

    /// <summary>Options that shape the model: the network, the bridge, the corruption, the dataset and the image size.</summary>
    public static IReadOnlyList<string> ModelOptions { get; } =
        ["model", "image_size", "corrupt", "t0", "T", "interval", "beta_max", "pred_x0", "ot_ode", "clip_denoise", "dataset_name", "json_data_config"];

    /// <summary>Options of training (optimiser, schedule, data and seed), used when a run is continued.</summary>
    public static IReadOnlyList<string> TrainingOptions { get; } =
        ["seed", "batch_size", "microbatch", "num_itr", "lr", "lr_gamma", "lr_step", "weight_decay", "clip_grad_norm", "ema", "drop_cond",
         "val_batches", "dataset_dir", "log_writer"];

    /// <summary>
    /// Options that describe the original's processes, devices, folders and logging accounts; they have no effect on
    /// what is computed, and are not needed here (MPI knows the ranks; folders come from the command line).
    /// </summary>
    public static IReadOnlyList<string> PlumbingOptions { get; } =
        ["name", "ckpt", "gpu", "master_port", "master_address", "n_gpu_per_node", "node_rank", "num_proc_node", "result_dir", "device",
         "distributed", "ckpt_path", "log_dir", "load", "global_rank", "local_rank", "global_size", "ngc_job_id", "wandb_api_key", "wandb_user"];

    private readonly Dictionary<string, object?> _values;

    private OriginalRunOptions(string path, Dictionary<string, object?> values) => (Path, _values) = (path, values);

    /// <summary>The file the options were read from.</summary>
    public string Path { get; }

    /// <summary>Every option by name, as plain data (null, bool, long, double, string, byte[], lists, dictionaries).</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    /// <summary>
    /// The options that have no counterpart here, in file order: names that are neither model, training nor plumbing
    /// options. The caller lists them (the CLI prints them).
    /// </summary>
    public IReadOnlyList<string> Unsupported =>
        _values.Keys.Where(k => !ModelOptions.Contains(k) && !TrainingOptions.Contains(k) && !PlumbingOptions.Contains(k)).ToList();

    /// <summary>Reads an options.pkl.</summary>
    /// <param name="path">The file (a run's <c>checkpoints/options.pkl</c>).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a pickle of plain data, or does not hold a Namespace or dict with string keys; the message names the file and the problem.</exception>
    public static OriginalRunOptions Read(string path)
    {
        var value = PlainDataPickle.Load(path);
        return FromPickled(value, path);
    }

    /// <summary>Reads pickled options from memory; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Read(string)"/>.</exception>
    public static OriginalRunOptions Read(byte[] pickle, string source)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        return FromPickled(PlainDataPickle.Load(pickle, source), source);
    }

    private static OriginalRunOptions FromPickled(object? value, string path)
    {
        if (value is not Dictionary<object, object?> table)
            throw new InvalidDataException($"'{path}' holds a {Describe(value)}, not the argparse.Namespace of a run's options.");
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, v) in table)
        {
            if (key is not string name) throw new InvalidDataException($"'{path}': an option name is a {Describe(key)}, not a string.");
            values[name] = v;
        }
        return new OriginalRunOptions(path, values);
    }

    /// <summary>True when the option is present (even when its value is None).</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The option as a string (paths included); null when absent or None.</summary>
    /// <exception cref="InvalidDataException">The value is not a string; the message names the file and the option.</exception>
    public string? GetString(string name) => Get(name) switch
    {
        null => null,
        string s => s,
        var other => throw Wrong(name, other, "a string"),
    };

    /// <summary>The option as an integer; null when absent or None.</summary>
    /// <exception cref="InvalidDataException">The value is not an integer (or does not fit 32 bits).</exception>
    public int? GetInt(string name) => Get(name) switch
    {
        null => null,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        var other => throw Wrong(name, other, "an integer"),
    };

    /// <summary>The option as a number (integers widen); null when absent or None.</summary>
    /// <exception cref="InvalidDataException">The value is not a number.</exception>
    public double? GetDouble(string name) => Get(name) switch
    {
        null => null,
        double d => d,
        long l => l,
        var other => throw Wrong(name, other, "a number"),
    };

    /// <summary>The option as a flag; null when absent or None.</summary>
    /// <exception cref="InvalidDataException">The value is not a bool.</exception>
    public bool? GetBool(string name) => Get(name) switch
    {
        null => null,
        bool b => b,
        var other => throw Wrong(name, other, "True or False"),
    };

    /// <summary>The option's value written as Python would show it (for listings).</summary>
    public string Format(string name) => Contains(name) ? FormatValue(_values[name]) : "(absent)";

    /// <summary>
    /// The model the run trained: network preset (<c>model</c>), image size, corruption, bridge (<c>t0</c>, <c>T</c>,
    /// <c>interval</c>, <c>beta_max</c>, <c>pred_x0</c>, <c>ot_ode</c>), <c>clip_denoise</c> and the dataset's
    /// normalisation (<c>dataset_name</c>, with bounds from <paramref name="config"/>). An option that is absent keeps
    /// the original's default (the same as <see cref="ModelSpec"/>'s).
    /// </summary>
    /// <param name="config">Dataset bounds; null for the embedded OpenFWI table (the run's <c>json_data_config</c> is a path on the machine that trained it, not read).</param>
    /// <returns>The spec, validated.</returns>
    /// <exception cref="InvalidDataException">An option names no preset or corruption known here, or has the wrong type; the message names the file and the option.</exception>
    public ModelSpec ToModelSpec(OpenFwiConfig? config = null)
    {
        config ??= OpenFwiConfig.Default;
        var defaults = new ModelSpec();
        var bridge = defaults.Bridge;
        bridge = bridge with
        {
            Interval = GetInt("interval") ?? bridge.Interval,
            BetaMax = GetDouble("beta_max") ?? bridge.BetaMax,
            T0 = GetDouble("t0") ?? bridge.T0,
            T = GetDouble("T") ?? bridge.T,
            OtOde = GetBool("ot_ode") ?? bridge.OtOde,
            Parameterization = GetBool("pred_x0") == true ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
        };
        var model = GetString("model");
        var network = model is null ? defaults.Network
            : ModelPreset.TryParse(model, out var preset) ? preset.Network
            : throw new InvalidDataException($"'{Path}': option 'model' is '{model}', which is not a network preset here (known: {string.Join(", ", ModelPreset.All.Select(p => p.Name))}).");
        var corrupt = GetString("corrupt");
        var corruption = corrupt is null ? defaults.Corruption
            : CorruptionPreset.TryParse(corrupt, out var c) ? c
            : throw new InvalidDataException($"'{Path}': option 'corrupt' is '{corrupt}', which is not a corruption here (known: {string.Join(", ", CorruptionPreset.All.Select(p => p.Name))}).");
        var datasetName = GetString("dataset_name");
        OpenFwiDataset dataset = defaults.Dataset;
        if (datasetName is not null && !config.TryGet(datasetName, out dataset!))
            throw new InvalidDataException($"'{Path}': option 'dataset_name' is '{datasetName}', which is not a dataset of the bounds table (known: {string.Join(", ", config.Keys)}).");
        var spec = new ModelSpec
        {
            Network = network,
            Bridge = bridge,
            Corruption = corruption,
            Dataset = dataset,
            ImageSize = GetInt("image_size") ?? defaults.ImageSize,
            ClipDenoise = GetBool("clip_denoise") ?? false,
        };
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{Path}': the options do not describe a model this library can build: {e.Message}", e);
        }
        return spec;
    }

    private object? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    private InvalidDataException Wrong(string name, object? value, string expected) =>
        new($"'{Path}': option '{name}' is {FormatValue(value)} ({Describe(value)}), expected {expected}.");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        List<object?> => "list or tuple",
        Dictionary<object, object?> => "dict",
        _ => value.GetType().Name,
    };

    private static string FormatValue(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        byte[] bytes => $"b'<{bytes.Length} bytes>'",
        List<object?> list => $"[{string.Join(", ", list.Select(FormatValue))}]",
        Dictionary<object, object?> d => $"{{{string.Join(", ", d.Select(kv => $"{FormatValue(kv.Key)}: {FormatValue(kv.Value)}"))}}}",
        _ => value.ToString() ?? "",
    };
}
