using TorchSharp;

namespace Seismic.Diffusion.Runtime;

/// <summary>
/// The number format a network computes in (docs/training.md, "Precision"). Weights, optimiser state, EMA, checkpoints,
/// the bridge's schedule arithmetic, losses and metrics stay float32 whatever is chosen: a lower precision applies to a
/// working copy of the network only, so checkpoints are interchangeable between precisions.
/// </summary>
public enum Precision
{
    /// <summary>float32 everywhere (the default: results that do not depend on the machine's number formats).</summary>
    Fp32,

    /// <summary>bfloat16 convolutions, normalisations and activations; float32 master weights. Fast on CPUs with
    /// AVX512-BF16 or AMX and on GPUs from NVIDIA Ampere on; emulated (slower than float32) elsewhere.</summary>
    Bf16,

    /// <summary>float16 with float32 master weights and a dynamic loss scale; CUDA only.</summary>
    Fp16,

    /// <summary>bfloat16 on a CPU that computes it natively, float32 elsewhere (<see cref="PrecisionChoice"/> says why).</summary>
    Auto,
}

/// <summary>A resolved <see cref="Precision"/> and the reason for it (what <c>doctor</c> and the logs print).</summary>
/// <param name="Precision">Never <see cref="Precision.Auto"/>.</param>
/// <param name="Reason">One sentence: why this precision on this device.</param>
public sealed record PrecisionChoice(Precision Precision, string Reason)
{
    /// <summary>The tensor element type of the working copy (float32 for <see cref="Precision.Fp32"/>).</summary>
    public torch.ScalarType ScalarType => Precision switch
    {
        Precision.Bf16 => torch.ScalarType.BFloat16,
        Precision.Fp16 => torch.ScalarType.Float16,
        _ => torch.ScalarType.Float32,
    };

    /// <summary>
    /// Resolves <paramref name="requested"/> for <paramref name="device"/>: <see cref="Precision.Auto"/> gives bfloat16 on a
    /// CPU with native bfloat16 instructions (<see cref="CpuHasNativeBf16"/>), float32 elsewhere (also on CUDA, whose
    /// compute capability TorchSharp does not report).
    /// </summary>
    /// <exception cref="ArgumentException">float16 was asked for on a device other than CUDA.</exception>
    public static PrecisionChoice Resolve(Precision requested, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        bool cuda = device.type == DeviceType.CUDA;
        switch (requested)
        {
            case Precision.Fp32:
                return new(Precision.Fp32, "float32 was asked for");
            case Precision.Bf16:
                return new(Precision.Bf16, cuda || CpuHasNativeBf16
                    ? "bfloat16 was asked for; this device computes it natively"
                    : "bfloat16 was asked for; this CPU has no native bfloat16 instructions (AVX512-BF16, AMX), so it is emulated and slower than float32");
            case Precision.Fp16:
                if (!cuda)
                    throw new ArgumentException(
                        $"Precision fp16 needs a CUDA device (it is training with a loss scale on GPUs); on the CPU ({device}) use bf16 or fp32.", nameof(requested));
                return new(Precision.Fp16, "float16 was asked for (CUDA, with a dynamic loss scale)");
            case Precision.Auto:
                // TorchSharp 0.107 exposes no compute capability, so a GPU's native bfloat16 (Ampere on) cannot be told apart.
                if (cuda)
                    return new(Precision.Fp32, "auto: TorchSharp cannot tell whether this GPU computes bfloat16 natively; pass --precision bf16 on NVIDIA Ampere or later");
                return CpuHasNativeBf16
                    ? new(Precision.Bf16, "auto: this CPU has native bfloat16 instructions (AVX512-BF16 or AMX)")
                    : new(Precision.Fp32, "auto: this CPU has no native bfloat16 instructions (AVX512-BF16, AMX), where bfloat16 is slower than float32");
            default:
                throw new ArgumentException($"Unknown precision {requested}.", nameof(requested));
        }
    }

    /// <summary>Whether this CPU computes bfloat16 natively (x86-64 Linux: <c>avx512_bf16</c> or <c>amx_bf16</c> in /proc/cpuinfo).</summary>
    public static bool CpuHasNativeBf16 => NativeBf16.Value;

    private static readonly Lazy<bool> NativeBf16 = new(() =>
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return false;
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            var set = flags.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
            return set.Contains("avx512_bf16") || set.Contains("amx_bf16");
        }
        catch (IOException)
        {
            return false;
        }
    });
}
