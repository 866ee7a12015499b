using Seismic.Data.OpenFwi;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Propagation;

/// <summary>
/// FTZ/DAZ are on inside the propagator's shots where the platform allows it, and every thread leaves Forward with the
/// floating-point mode it had. Where MXCSR cannot be read (not glibc x86-64) the mode reads as "unsupported" before and
/// after, so the assertions hold trivially.
/// </summary>
public sealed class FlushDenormalsTests
{
    private const float Tiny = 1e-30f, Small = 1e-10f; // product 1e-40: a float32 denormal

    private static readonly AcquisitionOptions Short = AcquisitionOptions.OpenFwi with { TimeSamples = 40 };

    // The control bits only: the exception flags are sticky status that any float operation may set.
    private static (bool Ok, uint Mode) Mode() => (FlushDenormals.TryGetMode(out uint m), m & ~FlushDenormals.StatusFlags);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Multiply(float a, float b) => a * b;

    private static float[] Models(int count)
    {
        var gen = new VelocityModelGenerator(VelocityFamily.CurveFaultA);
        var v = new float[count * 4900];
        for (int i = 0; i < count; i++) gen.Generate(0, (ulong)i, v.AsSpan(i * 4900, 4900));
        return v;
    }

    [Fact]
    public void Enter_flushes_denormals_and_Dispose_restores_the_mode()
    {
        var before = Mode();
        float outside = Multiply(Tiny, Small);
        using (FlushDenormals.Enter())
        {
            if (FlushDenormals.IsSupported)
            {
                Assert.Equal(FlushDenormals.FtzDaz, Mode().Mode & FlushDenormals.FtzDaz);
                Assert.Equal(0f, Multiply(Tiny, Small));
                using (FlushDenormals.Enter()) { } // nested: already set, so nothing to restore
                Assert.Equal(FlushDenormals.FtzDaz, Mode().Mode & FlushDenormals.FtzDaz);
            }
        }
        Assert.Equal(before, Mode());
        Assert.Equal(outside, Multiply(Tiny, Small));
    }

    [Fact]
    public void Is_supported_on_glibc_x64()
    {
        // The platform this suite's CI runs on; elsewhere the propagator is only slower.
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
            && File.Exists("/lib/x86_64-linux-gnu/libm.so.6"))
            Assert.True(FlushDenormals.IsSupported);
    }

    [Theory]
    [InlineData(1, 1)] // shots over the threads, on the calling thread only
    [InlineData(1, 2)]
    [InlineData(4, 1)] // one sample per work item
    [InlineData(4, 2)]
    public void Shots_run_with_denormals_flushed_and_the_callers_mode_is_restored(int count, int threads)
    {
        var seen = new ConcurrentBag<(int Thread, uint Mode)>();
        var p = new AcousticPropagator(Short, threads) { ShotStarting = () => seen.Add((Environment.CurrentManagedThreadId, Mode().Mode)) };
        var before = Mode();

        p.Forward(Models(count), count);

        Assert.Equal(before, Mode());
        Assert.Equal(count * Short.ShotCount, seen.Count);
        if (FlushDenormals.IsSupported) Assert.All(seen, s => Assert.Equal(FlushDenormals.FtzDaz, s.Mode & FlushDenormals.FtzDaz));
        if (threads == 1) Assert.Contains(seen, s => s.Thread == Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void The_mode_is_restored_when_Forward_is_cancelled_or_a_shot_throws()
    {
        var before = Mode();
        using var cts = new CancellationTokenSource();
        var cancelling = new AcousticPropagator(Short, 1) { ShotStarting = cts.Cancel };
        Assert.ThrowsAny<OperationCanceledException>(() => cancelling.Forward(Models(4), 4, cts.Token));
        Assert.Equal(before, Mode());

        var throwing = new AcousticPropagator(Short, 1) { ShotStarting = () => throw new InvalidOperationException("inside a shot") };
        var e = Assert.ThrowsAny<Exception>(() => throwing.Forward(Models(1), 1));
        Assert.Contains("inside a shot", e.ToString());
        Assert.Equal(before, Mode());
    }

    [Fact]
    public void The_mode_is_unchanged_after_an_invalid_velocity()
    {
        var before = Mode();
        var v = Models(1);
        v[123] = float.NaN;
        Assert.Throws<ArgumentException>(() => new AcousticPropagator(Short, 2).Forward(v));
        Assert.Equal(before, Mode());
    }
}
