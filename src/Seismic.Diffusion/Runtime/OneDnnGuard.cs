using System.Runtime.InteropServices;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// libtorch 2.10's oneDNN convolution backward returns NaN input gradients from multi-threaded CPU runs on some recent
/// x86-64 CPUs (seen on a 2-core AMD EPYC with AVX-512: 8 of 36 fresh U-Net backward passes with the AVX2 cap, 1 of 36
/// with the default ISA; none with oneDNN disabled, at about the same speed). So, on x86-64 Linux, this turns oneDNN off
/// for CPU tensors (PyTorch's <c>torch.backends.mkldnn.enabled = False</c>) and libtorch falls back to its native
/// convolution. Work without gradients (sampling) turns it back on inside <see cref="InferenceScope"/>: the forward
/// kernels are correct and 2-5x faster. Set <c>SEISMIC_I2SB_ONEDNN=1</c> to keep oneDNN everywhere. CUDA work is
/// unaffected. See docs/troubleshooting.md.
/// </summary>
internal static class OneDnnGuard
{
    /// <summary>Set to 1 to keep libtorch's oneDNN kernels on the CPU.</summary>
    public const string OptInVariable = "SEISMIC_I2SB_ONEDNN";

    private static int _applied;

    /// <summary>True once oneDNN has been switched off by this guard.</summary>
    public static bool Disabled { get; private set; }

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1) return;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()) return;
        try
        {
            // NNPACK prints a warning per convolution on CPUs it does not support, and it is never faster here.
            SetUserEnabledNnpack(GlobalContext(), false);
            if (Environment.GetEnvironmentVariable(OptInVariable) == "1") return;
            // TorchSharp has no binding for this switch; call at::globalContext().setUserEnabledMkldnn(false).
            SetUserEnabledMkldnn(GlobalContext(), false);
            Disabled = !UserEnabledMkldnn(GlobalContext());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build: leave oneDNN as it is.
        }
    }

    /// <summary>libtorch's current oneDNN switch (for tests).</summary>
    internal static bool IsOneDnnEnabled => UserEnabledMkldnn(GlobalContext());

    /// <summary>
    /// Turns oneDNN back on for work without gradients (its forward kernels are correct) and off again on dispose.
    /// The switch is process-wide: do not train on another thread meanwhile.
    /// </summary>
    public static IDisposable InferenceScope()
    {
        if (!Disabled) return NoScope.Instance;
        SetUserEnabledMkldnn(GlobalContext(), true);
        return new RestoreScope();
    }

    private sealed class RestoreScope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) SetUserEnabledMkldnn(GlobalContext(), false);
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}
