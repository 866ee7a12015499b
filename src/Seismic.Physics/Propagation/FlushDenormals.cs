using System.Runtime.InteropServices;

namespace Seismic.Physics.Propagation;

/// <summary>
/// Runs a block of the calling thread with the x86 MXCSR bits flush-to-zero (FTZ, 0x8000) and denormals-are-zero
/// (DAZ, 0x40) set, and restores the thread's previous mode on dispose: <c>using var _ = FlushDenormals.Enter();</c>.
/// </summary>
/// <remarks>
/// Why: the wavefield decays into the float32 denormal range in the far field and in the sponge, and many x86 cores take
/// slow microcode assists on denormal operands and results unless FTZ/DAZ are on. Flushing values below 1.2e-38 to zero
/// changes the recorded data by at most ~3e-7 of their peak (docs/physics.md). The hardware mode was chosen over keeping
/// the field out of the denormal range numerically (a compare-and-mask per cell and step) because it costs nothing per
/// cell and, measured, removes the whole penalty (the CLI runs as fast as with FTZ/DAZ set for the whole process).
/// MXCSR is per thread and .NET has no managed API for it, so this goes through glibc's <c>fegetenv</c>/<c>fesetenv</c>,
/// whose x86-64 <c>fenv_t</c> is 32 bytes with <c>__mxcsr</c> at byte 28. Elsewhere (other architectures, musl, macOS,
/// Windows) or if the call fails, <see cref="Enter"/> does nothing: the propagator still works, only slower on CPUs that
/// penalise denormals.
/// </remarks>
internal readonly partial struct FlushDenormals : IDisposable
{
    /// <summary>The MXCSR bits FTZ | DAZ.</summary>
    internal const uint FtzDaz = 0x8040;

    /// <summary>The MXCSR exception flags (sticky status, not mode): kept as the block left them.</summary>
    internal const uint StatusFlags = 0x3F;

    private readonly uint _previous;
    private readonly bool _restore;

    private FlushDenormals(uint previous)
    {
        _previous = previous;
        _restore = true;
    }

    /// <summary>Whether this process can read and set MXCSR (glibc on x86-64).</summary>
    internal static bool IsSupported { get; } = Probe();

    /// <summary>Sets FTZ/DAZ on the calling thread until the returned scope is disposed (a no-op where unsupported or already set).</summary>
    internal static FlushDenormals Enter()
    {
        if (!IsSupported || !TryGetMode(out uint mode) || (mode & FtzDaz) == FtzDaz) return default;
        return TrySetMode(mode | FtzDaz) ? new FlushDenormals(mode) : default;
    }

    /// <summary>Restores the mode (the control bits) the thread had before <see cref="Enter"/>.</summary>
    public void Dispose()
    {
        if (_restore && TryGetMode(out uint now)) TrySetMode((now & StatusFlags) | (_previous & ~StatusFlags));
    }

    /// <summary>Reads the calling thread's MXCSR; false where unsupported.</summary>
    internal static bool TryGetMode(out uint mxcsr)
    {
        mxcsr = 0;
        if (!IsSupported) return false;
        FEnv env = default;
        if (Native.fegetenv(ref env) != 0) return false;
        mxcsr = env.Mxcsr;
        return true;
    }

    private static bool TrySetMode(uint mxcsr)
    {
        FEnv env = default;
        if (Native.fegetenv(ref env) != 0) return false;
        env.Mxcsr = mxcsr;
        return Native.fesetenv(in env) == 0;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            // libm.so.6 is glibc's soname; a round trip through fesetenv must leave MXCSR as it was read.
            FEnv env = default;
            if (Native.fegetenv(ref env) != 0 || Native.fesetenv(in env) != 0) return false;
            FEnv again = default;
            return Native.fegetenv(ref again) == 0 && again.Mxcsr == env.Mxcsr;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>glibc x86-64 <c>fenv_t</c>: the x87 environment (28 bytes), then <c>__mxcsr</c>.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct FEnv
    {
        [FieldOffset(28)] public uint Mxcsr;
    }

    private static partial class Native
    {
        [LibraryImport("libm.so.6")]
        public static partial int fegetenv(ref FEnv env);

        [LibraryImport("libm.so.6")]
        public static partial int fesetenv(in FEnv env);
    }
}
