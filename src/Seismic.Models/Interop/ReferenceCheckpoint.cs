using System.Collections;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// Weights saved by the Python reference: either a whole I2SB training checkpoint (<c>latest.pt</c>, the dictionary
/// <c>{"net": net.state_dict(), "ema": ema.state_dict(), "optimizer": ..., "sched": ...}</c>, where <c>ema</c> is
/// torch_ema's state with <c>shadow_params</c> in the network's parameter order and <c>num_updates</c>), or a bare state
/// dict (<c>.pt</c> or <c>.safetensors</c>), which has no EMA. The optimiser and scheduler states are not read: training
/// continues from such weights with a fresh AdamW. Owns its CPU tensors; dispose it.
/// </summary>
public sealed class ReferenceCheckpoint : IDisposable
{
    private ReferenceCheckpoint(Dictionary<string, Tensor> network, List<Tensor> emaShadow, long emaUpdates, double? emaDecay)
    {
        Network = network;
        EmaShadow = emaShadow;
        EmaUpdates = emaUpdates;
        EmaDecay = emaDecay;
    }

    /// <summary>The network's state dict (reference names, possibly with a <c>diffusion_model.</c> prefix).</summary>
    public IReadOnlyDictionary<string, Tensor> Network { get; }

    /// <summary>The EMA weights in the network's parameter order; empty when the file holds no EMA.</summary>
    public IReadOnlyList<Tensor> EmaShadow { get; }

    /// <summary>torch_ema's <c>num_updates</c> (0 without an EMA).</summary>
    public long EmaUpdates { get; }

    /// <summary>torch_ema's <c>decay</c>, when the file holds an EMA.</summary>
    public double? EmaDecay { get; }

    /// <summary>Reads <paramref name="path"/>: a reference training checkpoint or a bare state dict (format detected from the content).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="StateDictException">The file is unreadable, or a checkpoint whose <c>net</c> or <c>ema</c> entry is malformed.</exception>
    public static ReferenceCheckpoint Read(string path)
    {
        if (StateDictFile.DetectFormat(path) != StateDictFormat.PyTorchZip)
            return new ReferenceCheckpoint(StateDictFile.Read(path), [], 0, null);
        var table = StateDictFile.Unpickle(path);
        if (table["net"] is not IDictionary net)
            return new ReferenceCheckpoint(StateDictFile.FlatStateDict(table, path), [], 0, null);

        var kept = new List<Tensor>();
        try
        {
            var network = StateDictFile.FlatStateDict(net, path);
            kept.AddRange(network.Values);
            var shadow = new List<Tensor>();
            long updates = 0;
            double? decay = null;
            if (table["ema"] is IDictionary ema)
            {
                if (ema["shadow_params"] is not IList list)
                    throw new StateDictException($"'{path}': the checkpoint's 'ema' entry has no 'shadow_params' list (torch_ema's format).");
                foreach (var item in list)
                {
                    if (item is not Tensor t) throw new StateDictException($"'{path}': an EMA shadow parameter is not a tensor.");
                    shadow.Add(t);
                    kept.Add(t);
                }
                var c = System.Globalization.CultureInfo.InvariantCulture;
                updates = ema["num_updates"] is { } n ? Convert.ToInt64(n, c) : 0;
                decay = ema["decay"] is { } d ? Convert.ToDouble(d, c) : null;
            }
            StateDictFile.DisposeTensors(table, keep: kept);
            return new ReferenceCheckpoint(network, shadow, updates, decay);
        }
        catch
        {
            StateDictFile.DisposeTensors(table, keep: []);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Network.Values) t.Dispose();
        foreach (var t in EmaShadow) t.Dispose();
    }
}
