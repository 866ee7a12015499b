using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>
/// Exponential moving average of a module's parameters (docs/diffusion.md, "Training with the bridge", as the reference's <c>torch_ema</c> with warm-up):
/// at the k-th <see cref="Update"/> (k = 1, 2, ...) the decay is <c>d_k = min(Decay, (1 + k) / (10 + k))</c> and
/// <c>shadow -= (1 - d_k) (shadow - param)</c>. The shadow starts as a copy of the parameters at construction.
/// Validation and sampling use the averaged weights through <see cref="Apply"/>, which swaps them in and restores the
/// live weights when disposed.
/// </summary>
/// <remarks>
/// Create the EMA after moving the module to its device: TorchSharp's <c>to(device)</c> replaces parameter objects,
/// which would leave the EMA tracking the old ones. The shadow lives on the parameters' device.
/// </remarks>
/// <example>
/// <code>
/// using var ema = new Ema(net);            // decay 0.99
/// // ... after each optimiser step:
/// ema.Update();
/// using (ema.Apply()) { /* sample or validate with the EMA weights */ }
/// </code>
/// </example>
public sealed class Ema : IDisposable
{
    private readonly (string Name, Parameter Param)[] tracked;
    private readonly Tensor[] shadow;
    private bool swappedIn;
    private bool disposed;

    /// <summary>Starts averaging the trainable parameters of <paramref name="module"/> (shadow = a copy of them now).</summary>
    /// <param name="module">The module whose parameters (those with <c>requires_grad</c>) are averaged.</param>
    /// <param name="decay">The decay d in (0, 1). The default value is 0.99.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in (0, 1).</exception>
    public Ema(Module module, double decay = 0.99)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(decay > 0 && decay < 1))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "Ema decay must be in (0, 1).");
        Decay = decay;
        tracked = module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToArray();
        using (no_grad())
        {
            shadow = tracked.Select(p => p.Param.detach().clone()).ToArray();
        }
    }

    /// <summary>The maximum decay d (reached after warm-up).</summary>
    public double Decay { get; }

    /// <summary>How many updates have been applied (k after the k-th <see cref="Update"/>).</summary>
    public long UpdateCount { get; private set; }

    /// <summary>The decay the k-th update uses: <c>min(decay, (1 + k) / (10 + k))</c>, k = 1, 2, ...</summary>
    /// <param name="decay">The maximum decay d.</param>
    /// <param name="k">The 1-based update index.</param>
    public static double WarmupDecay(double decay, long k) => Math.Min(decay, (1.0 + k) / (10.0 + k));

    /// <summary>Names of the averaged parameters, in the module's order.</summary>
    public IReadOnlyList<string> ParameterNames => tracked.Select(p => p.Name).ToArray();

    /// <summary>Moves the shadow towards the current parameters with the warm-up decay (call after each optimiser step).</summary>
    /// <exception cref="InvalidOperationException">The EMA weights are swapped in (inside <see cref="Apply"/>).</exception>
    public void Update()
    {
        ThrowIfUnusable();
        UpdateCount++;
        double oneMinus = 1.0 - WarmupDecay(Decay, UpdateCount);
        using (no_grad())
        {
            for (int i = 0; i < shadow.Length; i++)
            {
                using var p = tracked[i].Param.detach().to(shadow[i].device);
                using var diff = shadow[i] - p;
                shadow[i].sub_(diff.mul_(oneMinus));
            }
        }
    }

    /// <summary>
    /// Swaps the EMA weights into the module; disposing the returned scope copies the live weights back.
    /// Scopes do not nest.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already swapped in.</exception>
    public IDisposable Apply()
    {
        ThrowIfUnusable();
        var live = new Tensor[tracked.Length];
        using (no_grad())
        {
            for (int i = 0; i < tracked.Length; i++)
            {
                live[i] = tracked[i].Param.detach().clone();
                tracked[i].Param.copy_(shadow[i]);
            }
        }
        swappedIn = true;
        return new RestoreScope(this, live);
    }

    /// <summary>Permanently copies the EMA weights into the module (e.g. before exporting the averaged network).</summary>
    /// <exception cref="InvalidOperationException">Inside <see cref="Apply"/>.</exception>
    public void CopyTo()
    {
        ThrowIfUnusable();
        using (no_grad())
        {
            for (int i = 0; i < tracked.Length; i++) tracked[i].Param.copy_(shadow[i]);
        }
    }

    /// <summary>Restarts the average at the module's current parameters (update count 0), e.g. after loading weights into it.</summary>
    /// <exception cref="InvalidOperationException">Inside <see cref="Apply"/>.</exception>
    public void Reset() => LoadShadow(tracked.Select(p => (Tensor)p.Param).ToArray(), updateCount: 0);

    /// <summary>
    /// The EMA state for checkpoints: a copy of every shadow tensor under its parameter name, plus
    /// <c>num_updates</c> (int64 scalar) and <c>decay</c> (float64 scalar). The caller owns the returned tensors.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        ThrowIfDisposed();
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < tracked.Length; i++) state.Add(tracked[i].Name, shadow[i].detach().clone());
        state.Add(NumUpdatesKey, tensor(UpdateCount, ScalarType.Int64));
        state.Add(DecayKey, tensor(Decay, ScalarType.Float64));
        return state;
    }

    /// <summary>Restores a state written by <see cref="StateDict"/> (the shadow and the update count; the decay must match).</summary>
    /// <exception cref="StateDictException">Names, shapes or the decay do not match this EMA.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ThrowIfUnusable();
        if (!state.TryGetValue(NumUpdatesKey, out var updates))
            throw new StateDictException($"EMA state lacks '{NumUpdatesKey}'.");
        if (state.TryGetValue(DecayKey, out var d) && Math.Abs(d.to_type(ScalarType.Float64).item<double>() - Decay) > 1e-12)
            throw new StateDictException($"EMA state has decay {d.item<double>()}, this EMA {Decay}.");
        var missing = tracked.Where(p => !state.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var names = new HashSet<string>(tracked.Select(p => p.Name)) { NumUpdatesKey, DecayKey };
        var unexpected = state.Keys.Where(k => !names.Contains(k)).ToList();
        var badShape = tracked.Where(p => state.TryGetValue(p.Name, out var t) && !t.shape.SequenceEqual(p.Param.shape)).Select(p => p.Name).ToList();
        if (missing.Count + unexpected.Count + badShape.Count > 0)
            throw new StateDictException(
                $"EMA state does not fit: missing [{string.Join(", ", missing.Take(5))}], unexpected [{string.Join(", ", unexpected.Take(5))}], "
                + $"shape mismatch [{string.Join(", ", badShape.Take(5))}].");
        LoadShadow(tracked.Select(p => state[p.Name]).ToArray(), updates.to_type(ScalarType.Int64).item<long>());
    }

    /// <summary>
    /// Sets the shadow from tensors in the module's parameter order, as torch_ema stores them (<c>shadow_params</c>
    /// of a reference checkpoint, see <see cref="ReferenceCheckpoint"/>), and the update count.
    /// </summary>
    /// <exception cref="StateDictException">The count or a shape does not match this EMA's parameters.</exception>
    public void LoadShadow(IReadOnlyList<Tensor> parameters, long updateCount)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ThrowIfUnusable();
        if (parameters.Count != tracked.Length)
            throw new StateDictException($"EMA shadow has {parameters.Count} tensors, the module {tracked.Length} trainable parameters.");
        for (int i = 0; i < tracked.Length; i++)
            if (!parameters[i].shape.SequenceEqual(tracked[i].Param.shape))
                throw new StateDictException(
                    $"EMA shadow tensor {i} has shape ({string.Join(", ", parameters[i].shape)}), parameter '{tracked[i].Name}' ({string.Join(", ", tracked[i].Param.shape)}).");
        using (no_grad())
        {
            for (int i = 0; i < tracked.Length; i++) shadow[i].copy_(parameters[i]);
        }
        UpdateCount = updateCount;
    }

    /// <summary>Saves <see cref="StateDict"/> to a safetensors file, atomically.</summary>
    public void Save(string path)
    {
        var state = StateDict();
        try { StateDictFile.WriteSafetensors(path, state); }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }

    /// <summary>Loads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="StateDictException">The file cannot be read or does not fit this EMA.</exception>
    public void Load(string path)
    {
        var state = StateDictFile.Read(path);
        try { LoadStateDict(state); }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }

    /// <summary>Frees the shadow tensors (restoring nothing: dispose any <see cref="Apply"/> scope first).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in shadow) t.Dispose();
    }

    private const string NumUpdatesKey = "num_updates";
    private const string DecayKey = "decay";

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    private void ThrowIfUnusable()
    {
        ThrowIfDisposed();
        if (swappedIn) throw new InvalidOperationException("The EMA weights are swapped in; dispose the Apply() scope first.");
    }

    private sealed class RestoreScope(Ema owner, Tensor[] live) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            using (no_grad())
            {
                for (int i = 0; i < live.Length; i++)
                {
                    owner.tracked[i].Param.copy_(live[i]);
                    live[i].Dispose();
                }
            }
            owner.swappedIn = false;
        }
    }
}
