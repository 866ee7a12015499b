using System.Runtime.InteropServices;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// libtorch's process-wide kernel switches, which TorchSharp does not bind (at::globalContext()). oneDNN stays on:
/// the one layer shape its convolution mishandles on some CPUs is avoided inside the models (Seismic.Models'
/// block-aligned convolution, docs/troubleshooting.md). <c>SEISMIC_I2SB_ONEDNN=0</c> is the escape hatch that turns
/// oneDNN off everywhere. NNPACK is always off: it prints a warning per convolution on CPUs it does not support and is
/// never faster here.
/// </summary>
internal static class OneDnnGuard
{
    /// <summary>0: never use libtorch's oneDNN kernels on the CPU.</summary>
    public const string Variable = "SEISMIC_I2SB_ONEDNN";

    private static int _applied;

    /// <summary>Whether libtorch's switches can be reached (x86-64 Linux with the libtorch this library is built for).</summary>
    public static bool Available { get; private set; }

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1) return;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()) return;
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
            Available = true;
            if (Environment.GetEnvironmentVariable(Variable) == "0") SetUserEnabledMkldnn(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build: leave its switches as they are.
        }
    }

    public static bool OneDnnEnabled
    {
        get => Available && UserEnabledMkldnn(GlobalContext());
        set
        {
            if (!Available) throw new PlatformNotSupportedException("libtorch's oneDNN switch is reachable only on x86-64 Linux.");
            SetUserEnabledMkldnn(GlobalContext(), value);
        }
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
