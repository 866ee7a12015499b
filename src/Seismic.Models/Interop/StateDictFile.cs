using Seismic.Data.IO;
using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>
/// Reading and writing state dicts (parameter name -> tensor) in the formats the reference uses: PyTorch's zip format
/// (read, through TorchSharp.PyBridge) and safetensors (read and write). Loading into a module validates names and
/// shapes first and reports every kind of mismatch with the first few offending names.
/// </summary>
public static class StateDictFile
{
    /// <summary>How many offending names an error message lists per kind of mismatch.</summary>
    private const int NamesShown = 5;

    /// <summary>Prefixes a reference checkpoint may carry: I2SB's wrapper (<c>diffusion_model.</c>) and DataParallel (<c>module.</c>).</summary>
    private static readonly string[] KnownPrefixes = ["module.", "diffusion_model."];

    /// <summary>Detects the format of <paramref name="path"/> from its first bytes.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static StateDictFormat DetectFormat(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"State-dict file '{path}' does not exist.", path);
        Span<byte> head = stackalloc byte[9];
        using (var stream = File.OpenRead(path))
        {
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..read];
        }
        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return StateDictFormat.PyTorchZip;
        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5) return StateDictFormat.PyTorchLegacy; // pickle protocol opcode
        if (Safetensors.HasHeader(head)) return StateDictFormat.Safetensors;
        return StateDictFormat.Unknown;
    }

    /// <summary>
    /// Reads a state dict from a PyTorch zip-format file or a safetensors file (detected from the content, not the
    /// extension). The caller owns (and disposes) the returned CPU tensors.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="StateDictException">Legacy PyTorch format, an unknown format, or a corrupt file.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        switch (DetectFormat(path))
        {
            case StateDictFormat.Safetensors:
                return Safetensors.Read(path);
            case StateDictFormat.PyTorchZip:
                return ReadPyTorchZip(path);
            case StateDictFormat.PyTorchLegacy:
                throw new StateDictException(
                    $"'{path}' uses PyTorch's legacy (pre-1.6, non-zip) serialization, which cannot be read here. Re-save it in Python: "
                    + "torch.save(torch.load(path), new_path) with PyTorch >= 1.6 (the zip format is the default), or export it as .safetensors.");
            default:
                throw new StateDictException($"'{path}' is neither a PyTorch zip-format state dict nor a safetensors file.");
        }
    }

    /// <summary>
    /// Loads a state-dict file into <paramref name="module"/> by name (see <see cref="LoadInto(Module, IReadOnlyDictionary{string, Tensor}, string)"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="StateDictException">The file cannot be read, or its names or shapes do not match the module.</exception>
    public static void LoadInto(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var loaded = Read(path);
        try
        {
            LoadInto(module, loaded, $"'{path}'");
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Copies <paramref name="stateDict"/> into the module's parameters and buffers by name, strictly: every module key
    /// must be present with the same shape and no extra keys may remain. A common <c>module.</c> or
    /// <c>diffusion_model.</c> prefix that the module's own names lack is stripped first. Nothing is copied unless
    /// everything matches. Values are converted to each target's dtype and device.
    /// </summary>
    /// <param name="module">The target module.</param>
    /// <param name="stateDict">Name -> tensor.</param>
    /// <param name="source">How to name the source in error messages (e.g. a quoted path).</param>
    /// <exception cref="StateDictException">Missing or unexpected keys or shape mismatches; lists the first few names of each.</exception>
    public static void LoadInto(Module module, IReadOnlyDictionary<string, Tensor> stateDict, string source = "the state dict")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var target = module.state_dict();
        var given = StripPrefixes(stateDict, target);

        var missing = target.Keys.Where(k => !given.ContainsKey(k)).ToList();
        var unexpected = given.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var wrongShape = target.Keys.Where(given.ContainsKey)
            .Where(k => !target[k].shape.SequenceEqual(given[k].shape))
            .Select(k => $"{k} (expected [{string.Join(", ", target[k].shape)}], found [{string.Join(", ", given[k].shape)}])")
            .ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"{missing.Count} missing key(s): {Names(missing)}");
            if (unexpected.Count > 0) problems.Add($"{unexpected.Count} unexpected key(s): {Names(unexpected)}");
            if (wrongShape.Count > 0) problems.Add($"{wrongShape.Count} shape mismatch(es): {Names(wrongShape)}");
            throw new StateDictException(
                $"{source} does not fit {module.GetType().Name} ({target.Count} tensors expected, {given.Count} given): {string.Join("; ", problems)}.");
        }

        using (no_grad())
        {
            foreach (var (name, t) in target) t.copy_(given[name]);
        }
    }

    /// <summary>Writes <paramref name="module"/>'s state dict to a safetensors file, atomically (temp file in the same folder + rename).</summary>
    /// <param name="module">The module whose parameters and buffers are written, in state-dict order.</param>
    /// <param name="path">Target file; its folder is created when missing.</param>
    public static void SaveSafetensors(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        WriteSafetensors(path, module.state_dict());
    }

    /// <summary>Writes name -> tensor pairs (in the given order) to a safetensors file, atomically.</summary>
    /// <param name="path">Target file; its folder is created when missing.</param>
    /// <param name="tensors">The tensors (any device; copied to the CPU for writing).</param>
    /// <exception cref="NotSupportedException">A tensor's dtype cannot be stored in safetensors (e.g. complex).</exception>
    public static void WriteSafetensors(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => Safetensors.Write(stream, tensors)); // a crash mid-save keeps the old file
    }

    /// <summary>A bare state dict, or the <c>net</c> entry of a reference training checkpoint (the rest is freed).</summary>
    private static Dictionary<string, Tensor> ReadPyTorchZip(string path)
    {
        var checkpoint = ReferenceCheckpoint.Read(path);
        foreach (var t in checkpoint.EmaShadow) t.Dispose();
        return new Dictionary<string, Tensor>(checkpoint.Network);
    }

    /// <summary>The object tree of a PyTorch zip-format file (dictionaries, lists, tensors, numbers).</summary>
    internal static Hashtable Unpickle(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new StateDictException($"'{path}' could not be read as a PyTorch zip-format file: {e.Message}", e);
        }
    }

    /// <summary>Name -> tensor; anything else (a nested dictionary, a number) is an error that names the entry.</summary>
    internal static Dictionary<string, Tensor> FlatStateDict(IDictionary table, string path)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor t) result.Add(name, t);
            else
            {
                DisposeTensors(table, keep: []);
                throw new StateDictException(
                    $"'{path}' is a PyTorch file but neither a flat state dict nor a reference training checkpoint (entry '{entry.Key}' holds a "
                    + $"{entry.Value?.GetType().Name ?? "null"}); save net.state_dict() itself, or the reference's {{\"net\": ..., \"ema\": ...}} checkpoint.");
            }
        }
        return result;
    }

    /// <summary>Frees every tensor of an unpickled tree (optimiser moments and the like) except those kept.</summary>
    internal static void DisposeTensors(object? node, IEnumerable<Tensor> keep)
    {
        var kept = new HashSet<Tensor>(keep, ReferenceEqualityComparer.Instance);
        Visit(node);

        void Visit(object? n)
        {
            switch (n)
            {
                case Tensor t when !kept.Contains(t):
                    t.Dispose();
                    break;
                case IDictionary d:
                    foreach (DictionaryEntry e in d) Visit(e.Value);
                    break;
                case IList l:
                    foreach (var item in l) Visit(item);
                    break;
            }
        }
    }

    private static Dictionary<string, Tensor> StripPrefixes(IReadOnlyDictionary<string, Tensor> given, Dictionary<string, Tensor> target)
    {
        var current = given.ToDictionary(kv => kv.Key, kv => kv.Value);
        bool changed = true;
        while (changed && current.Count > 0)
        {
            changed = false;
            foreach (var prefix in KnownPrefixes)
            {
                if (current.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)) && !target.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    current = current.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
                    changed = true;
                }
            }
        }
        return current;
    }

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $", ... ({names.Count - NamesShown} more)" : "");
}
