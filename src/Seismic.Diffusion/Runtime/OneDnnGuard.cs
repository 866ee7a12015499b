using System.Runtime.InteropServices;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// libtorch's process-wide kernel switches, which TorchSharp does not bind (at::globalContext()). Nothing here runs
/// unless an application asks (<see cref="TorchRuntime.ConfigureKernels"/>).
/// </summary>
internal static class OneDnnGuard
{
    /// <summary>Whether libtorch's switches can be reached (x86-64 Linux with the libtorch this library is built for).</summary>
    public static bool Available => Probe.Value;

    private static readonly Lazy<bool> Probe = new(() =>
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()) return false;
        try
        {
            _ = UserEnabledMkldnn(GlobalContext());
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // another libtorch build: its switches cannot be reached
        }
    });

    public static bool OneDnnEnabled
    {
        get => Available && UserEnabledMkldnn(GlobalContext());
        set
        {
            Require();
            SetUserEnabledMkldnn(GlobalContext(), value);
        }
    }

    public static bool NnpackEnabled => Available && UserEnabledNnpack(GlobalContext());

    public static void SetNnpack(bool enabled)
    {
        Require();
        SetUserEnabledNnpack(GlobalContext(), enabled);
    }

    private static void Require()
    {
        if (!Available) throw new PlatformNotSupportedException("libtorch's kernel switches are reachable only on x86-64 Linux.");
    }
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}
