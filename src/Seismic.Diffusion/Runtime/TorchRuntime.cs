using TorchSharp;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// Checks that libtorch can be loaded and chooses devices. TorchSharp reports a missing native prerequisite as a
/// bare <see cref="TypeInitializationException"/> on the first tensor; this turns it into a message that names
/// the cause and the fix. It changes no libtorch setting unless asked: <see cref="ConfigureKernels"/> is the one
/// explicit, process-wide switch an application sets once at start-up (and a diagnostic may set and restore).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad);

    /// <summary>Throws <see cref="TorchUnavailableException"/> when libtorch cannot be loaded; otherwise does nothing.</summary>
    public static void EnsureAvailable()
    {
        if (LoadFailure.Value is { } e) throw e;
    }

    /// <summary>
    /// Applies <paramref name="settings"/> to libtorch's process-wide CPU kernel switches (every thread, every model).
    /// Applications call it once at start-up, e.g. with <see cref="KernelSettings.FromEnvironment"/>; the libraries never do.
    /// Does nothing on platforms where the switches cannot be reached (not x86-64 Linux).
    /// </summary>
    public static void ConfigureKernels(KernelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        EnsureAvailable();
        if (!OneDnnGuard.Available) return;
        OneDnnGuard.SetNnpack(settings.Nnpack);
        OneDnnGuard.OneDnnEnabled = settings.OneDnn;
    }

    /// <summary>
    /// The kernel switches in effect (what <see cref="ConfigureKernels"/> last set, or libtorch's defaults); a diagnostic
    /// that changes them restores them with <c>ConfigureKernels(saved)</c>. Where the switches cannot be reached (not
    /// x86-64 Linux) both read false.
    /// </summary>
    public static KernelSettings Kernels
    {
        get
        {
            EnsureAvailable();
            return new KernelSettings { OneDnn = OneDnnGuard.OneDnnEnabled, Nnpack = OneDnnGuard.NnpackEnabled };
        }
    }

    /// <summary>
    /// Whether libtorch's oneDNN CPU kernels are on, process-wide (PyTorch's <c>torch.backends.mkldnn.enabled</c>;
    /// <see cref="Kernels"/>.OneDnn). On by default, also for training: the models avoid the layer shape whose oneDNN
    /// gradients are wrong on some CPUs (docs/troubleshooting.md). Change it with <see cref="ConfigureKernels"/>.
    /// </summary>
    public static bool OneDnnEnabled => Kernels.OneDnn;

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
            return "libtorch could not be loaded: TorchSharp 0.107's native library asks for GLIBCXX_3.4.32, which this system's " +
                   "libstdc++ lacks. The Seismic.I2sb build step relaxes that requirement in the application's output folder: " +
                   "rebuild the application (it must reference the Seismic.Data or Seismic.Diffusion package, or import " +
                   "SeismicNativeCompat.targets; see docs/getting-started.md), or use Ubuntu 24.04+/Debian 13+. Detail: " + detail;
        if (detail.Contains("libtorch", StringComparison.OrdinalIgnoreCase) && detail.Contains("reference", StringComparison.OrdinalIgnoreCase))
            return "libtorch could not be loaded: the application references no libtorch backend package. " +
                   "Fix: add a PackageReference to libtorch-cpu-linux-x64 (CPU) or TorchSharp-cuda-linux (GPU) to the application project. Detail: " + detail;
        return "libtorch could not be loaded. Check that the application references a libtorch backend package " +
               "(libtorch-cpu-linux-x64 or TorchSharp-cuda-linux) and that libstdc++ provides GLIBCXX_3.4.32. Detail: " + detail;
    }
}

/// <summary>libtorch's process-wide CPU kernel switches (see <see cref="TorchRuntime.ConfigureKernels"/>).</summary>
public sealed record KernelSettings
{
    /// <summary>The environment variable that <see cref="FromEnvironment"/> reads: <c>0</c> turns oneDNN off.</summary>
    public const string OneDnnVariable = "SEISMIC_I2SB_ONEDNN";

    /// <summary>Use oneDNN's convolution kernels (libtorch's default). The default value is true.</summary>
    public bool OneDnn { get; init; } = true;

    /// <summary>
    /// Use NNPACK's convolution kernels. The default value is false: NNPACK prints a warning per convolution on CPUs it
    /// does not support and was never faster here (docs/benchmarks.md).
    /// </summary>
    public bool Nnpack { get; init; }

    /// <summary>The defaults, with oneDNN off when the process was started with <c>SEISMIC_I2SB_ONEDNN=0</c> (the escape hatch of docs/troubleshooting.md).</summary>
    public static KernelSettings FromEnvironment() => new() { OneDnn = Environment.GetEnvironmentVariable(OneDnnVariable) != "0" };
}

/// <summary>libtorch (TorchSharp's native library) cannot be loaded; the message says why and how to fix it.</summary>
public sealed class TorchUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TorchUnavailableException(string message, Exception inner) : base(message, inner) { }
}
