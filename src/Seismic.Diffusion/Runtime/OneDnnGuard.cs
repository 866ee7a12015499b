using System.Runtime.InteropServices;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// libtorch 2.10's oneDNN convolution backward returns wrong (sometimes NaN) input gradients for convolutions that
/// narrow the channels on some recent x86-64 CPUs (an AVX-512 AMD EPYC: every try with one thread; see the
/// <c>onednn-check</c> benchmark program). So, on x86-64 Linux, this turns oneDNN off for CPU tensors (PyTorch's
/// <c>torch.backends.mkldnn.enabled = False</c>) and libtorch falls back to its native convolution. Work without
/// gradients (sampling) turns it back on inside <see cref="InferenceScope"/>: the forward kernels are correct and 2-6x
/// faster. <c>SEISMIC_I2SB_ONEDNN=1</c> keeps oneDNN everywhere; <c>SEISMIC_I2SB_ONEDNN=0</c> keeps it off everywhere,
/// inference included. CUDA work is unaffected. See docs/troubleshooting.md.
/// </summary>
internal static class OneDnnGuard
{
    /// <summary>1: keep libtorch's oneDNN kernels on the CPU; 0: never use them, not even for inference.</summary>
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
    /// Turns oneDNN back on for work without gradients (its forward kernels are correct) and off again on dispose,
    /// unless <c>SEISMIC_I2SB_ONEDNN=0</c>. The switch is process-wide: do not train on another thread meanwhile.
    /// </summary>
    public static IDisposable InferenceScope()
    {
        if (!Disabled || Environment.GetEnvironmentVariable(OptInVariable) == "0") return NoScope.Instance;
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
