using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Seismic.Data.OpenFwi;

/// <summary>
/// A set of <see cref="OpenFwiDataset"/>s keyed like OpenFWI's <c>dataset_config.json</c> (<c>flatvel-a</c>, ...), for
/// custom bounds and datasets: <see cref="Default"/> holds the ten published datasets (<see cref="OpenFwiDataset.All"/>);
/// <see cref="Load"/> overrides or extends them from a user JSON file with the same keys.
/// Names are matched leniently: <c>FlatVel_A</c>, <c>flatvel_a</c>, <c>flatvel-a</c> and <c>FlatVelA</c> are the same dataset.
/// </summary>
public sealed class OpenFwiConfig
{
    private readonly Dictionary<string, OpenFwiDataset> _datasets;

    private OpenFwiConfig(Dictionary<string, OpenFwiDataset> datasets) => _datasets = datasets;

    /// <summary>The ten published OpenFWI datasets, <see cref="OpenFwiDataset.All"/>.</summary>
    public static OpenFwiConfig Default { get; } = new(OpenFwiDataset.All.ToDictionary(d => d.Key, StringComparer.Ordinal));

    /// <summary>The dataset keys, in canonical form (lower case, dashes).</summary>
    public IReadOnlyCollection<string> Keys => _datasets.Keys;

    /// <summary>The datasets of this configuration.</summary>
    public IReadOnlyCollection<OpenFwiDataset> Datasets => _datasets.Values;

    /// <summary>The dataset called <paramref name="name"/>: its name, key or (published datasets) family name, ignoring case.</summary>
    /// <exception cref="ArgumentException">No such dataset; the message lists the known ones.</exception>
    public OpenFwiDataset this[string name] =>
        TryGet(name, out var dataset)
            ? dataset
            : throw new ArgumentException($"unknown OpenFWI dataset '{name}' (known: {string.Join(", ", _datasets.Keys)}; pass a JSON config for others).", nameof(name));

    /// <summary>Looks up a dataset by any accepted spelling of its name; false when there is none.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out OpenFwiDataset? dataset)
    {
        dataset = null;
        if (string.IsNullOrWhiteSpace(name)) return false;
        if (_datasets.TryGetValue(OpenFwiDataset.ToKey(name), out dataset)) return true;
        // The enum spelling (FlatVelA) of a published dataset, possibly overridden here.
        return OpenFwiDataset.TryParse(name, out var published) && _datasets.TryGetValue(published.Key, out dataset);
    }

    /// <summary>
    /// The embedded configuration overridden by the JSON file at <paramref name="path"/>: an object whose keys are dataset
    /// names and whose values hold any of <c>data_min</c>, <c>data_max</c>, <c>label_min</c>, <c>label_max</c>,
    /// <c>file_size</c>, <c>nbc</c>, <c>dx</c>, <c>nt</c>, <c>dt</c>, <c>f</c>, <c>n_grid</c>, <c>ns</c>, <c>ng</c>,
    /// <c>sz</c>, <c>gz</c>. Given fields replace the embedded ones; a new dataset needs at least the four bounds.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The JSON is malformed or a value has the wrong type; the message names the file and key.</exception>
    public static OpenFwiConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: dataset config file not found", path);
        try
        {
            return Default.Override(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>This configuration with the datasets in <paramref name="json"/> (same format as <see cref="Load"/>) overriding it.</summary>
    /// <exception cref="FormatException">The JSON is malformed or a value is missing or of the wrong type.</exception>
    public OpenFwiConfig Override(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("the dataset config must be a JSON object keyed by dataset name");
            var result = new Dictionary<string, OpenFwiDataset>(_datasets);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                var key = OpenFwiDataset.ToKey(entry.Name);
                if (entry.Value.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"dataset '{entry.Name}' must be a JSON object");
                result[key] = Merge(entry.Name.Trim(), key, result.GetValueOrDefault(key), entry.Value);
            }
            return new OpenFwiConfig(result);
        }
    }

    private static OpenFwiDataset Merge(string name, string key, OpenFwiDataset? baseInfo, JsonElement e)
    {
        double? Num(string name)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            throw new FormatException($"dataset '{key}': '{name}' must be a number");
        }
        int? Int(string name)
        {
            var d = Num(name);
            if (d is null) return null;
            if (d != Math.Floor(d.Value) || d < int.MinValue || d > int.MaxValue) throw new FormatException($"dataset '{key}': '{name}' must be an integer");
            return (int)d.Value;
        }
        double Required(string name) => Num(name) ?? throw new FormatException($"dataset '{key}': '{name}' is missing (a new dataset needs data_min, data_max, label_min and label_max)");

        var info = baseInfo is null
            ? new OpenFwiDataset { Name = name, Key = key, DataMin = Required("data_min"), DataMax = Required("data_max"), LabelMin = Required("label_min"), LabelMax = Required("label_max") }
            : baseInfo;
        info = info with
        {
            DataMin = Num("data_min") ?? info.DataMin,
            DataMax = Num("data_max") ?? info.DataMax,
            LabelMin = Num("label_min") ?? info.LabelMin,
            LabelMax = Num("label_max") ?? info.LabelMax,
            FileSize = Int("file_size") ?? info.FileSize,
            Nbc = Int("nbc") ?? info.Nbc,
            Dx = Num("dx") ?? info.Dx,
            Nt = Int("nt") ?? info.Nt,
            Dt = Num("dt") ?? info.Dt,
            F = Num("f") ?? info.F,
            NGrid = Int("n_grid") ?? info.NGrid,
            Ns = Int("ns") ?? info.Ns,
            Ng = Int("ng") ?? info.Ng,
            Sz = Num("sz") ?? info.Sz,
            Gz = Num("gz") ?? info.Gz,
        };
        try
        {
            info.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
        return info;
    }
}
