using TorchSharp;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// Checks that libtorch can be loaded and chooses devices. TorchSharp reports a missing native prerequisite as a
/// bare <see cref="TypeInitializationException"/> on the first tensor; this turns it into a message that names
/// the cause and the fix. It also switches libtorch's oneDNN CPU kernels off on x86-64 Linux (unless <c>SEISMIC_I2SB_ONEDNN=1</c>):
/// their multi-threaded convolution backward returns NaN gradients on some CPUs (docs/troubleshooting.md).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad);

    /// <summary>Throws <see cref="TorchUnavailableException"/> when libtorch cannot be loaded; otherwise does nothing.</summary>
    public static void EnsureAvailable()
    {
        if (LoadFailure.Value is { } e) throw e;
    }

    /// <summary>True when this library switched libtorch's oneDNN CPU kernels off (see <see cref="TorchRuntime"/>).</summary>
    public static bool OneDnnDisabled
    {
        get
        {
            EnsureAvailable();
            return OneDnnGuard.Disabled;
        }
    }

    /// <summary>
    /// For work without gradients (inference): turns libtorch's oneDNN CPU kernels back on until disposed, when this
    /// library switched them off. Their forward pass is correct and 2-5x faster; only their convolution backward is
    /// affected by the NaN bug. The switch is process-wide: do not train on another thread meanwhile. Sampling
    /// (<c>BridgeSampler</c>) uses it already.
    /// </summary>
    public static IDisposable InferenceKernels()
    {
        EnsureAvailable();
        return OneDnnGuard.InferenceScope();
    }

    /// <summary>True when a CUDA device is usable (always false with the CPU backend).</summary>
    public static bool IsCudaAvailable
    {
        get
        {
            EnsureAvailable();
            return torch.cuda.is_available();
        }
    }

    /// <summary>
    /// Resolves a device request: null, empty or <c>"auto"</c> gives CUDA when available, else CPU;
    /// <c>"cpu"</c>; <c>"cuda"</c> or <c>"cuda:N"</c>; or a bare GPU index <c>"N"</c> (as <c>--gpu N</c>).
    /// </summary>
    /// <exception cref="ArgumentException">CUDA was asked for explicitly but is not available, or the request is malformed.</exception>
    public static torch.Device ResolveDevice(string? request)
    {
        EnsureAvailable();
        var r = (request ?? "").Trim().ToLowerInvariant();
        if (r is "" or "auto")
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (r == "cpu")
            return torch.CPU;
        if (int.TryParse(r, out var bare))
            r = $"cuda:{bare}";
        if (r == "cuda" || r.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (r.Length > 5 && (!int.TryParse(r[5..], out index) || index < 0))
                throw new ArgumentException($"Device '{request}' is malformed: use cpu, cuda, cuda:N or auto.", nameof(request));
            if (!torch.cuda.is_available())
                throw new ArgumentException(
                    $"Device '{request}' was requested but CUDA is not available (build the application with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use cpu).",
                    nameof(request));
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"Device '{request}' was requested but only {count} CUDA device(s) exist.", nameof(request));
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Device '{request}' is not recognised: use cpu, cuda, cuda:N or auto.", nameof(request));
    }

    private static Exception? TryLoad()
    {
        try
        {
            using var probe = torch.zeros(1);
            OneDnnGuard.Apply();
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            return new TorchUnavailableException(Explain(e), e);
        }
    }

    private static string Explain(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var detail = inner.Message;
        if (detail.Contains("GLIBCXX", StringComparison.Ordinal))
            return "libtorch could not be loaded: the system's libstdc++ is too old (TorchSharp 0.107 needs GLIBCXX_3.4.32). " +
                   "Fix: run './build.sh setup' as root on Debian 12 (installs libstdc++6 from trixie, pinned low), " +
                   "or use Ubuntu 24.04+/Debian 13+. Detail: " + detail;
        if (detail.Contains("libtorch", StringComparison.OrdinalIgnoreCase) && detail.Contains("reference", StringComparison.OrdinalIgnoreCase))
            return "libtorch could not be loaded: the application references no libtorch backend package. " +
                   "Fix: add a PackageReference to libtorch-cpu-linux-x64 (CPU) or TorchSharp-cuda-linux (GPU) to the application project. Detail: " + detail;
        return "libtorch could not be loaded. Check that the application references a libtorch backend package " +
               "(libtorch-cpu-linux-x64 or TorchSharp-cuda-linux) and that libstdc++ provides GLIBCXX_3.4.32. Detail: " + detail;
    }
}

/// <summary>libtorch (TorchSharp's native library) cannot be loaded; the message says why and how to fix it.</summary>
public sealed class TorchUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TorchUnavailableException(string message, Exception inner) : base(message, inner) { }
}
