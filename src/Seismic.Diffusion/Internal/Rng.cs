using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Internal;

/// <summary>
/// Random draws from an optional <see cref="Generator"/>. A generator only fills tensors on its own device, so the draw
/// happens there and is moved to the target device: a CPU generator then seeds GPU work reproducibly.
/// Null means torch's global generator (seeded by <c>torch.manual_seed</c>), drawn directly on the target device.
/// </summary>
internal static class Rng
{
    public static Tensor Normal(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        var source = generator?.device ?? device;
        var t = torch.randn(shape, dtype: dtype, device: source, generator: generator);
        return MoveTo(t, device);
    }

    public static Tensor Uniform(long[] shape, Device device, Generator? generator)
    {
        var source = generator?.device ?? device;
        var t = torch.rand(shape, dtype: ScalarType.Float32, device: source, generator: generator);
        return MoveTo(t, device);
    }

    /// <summary>Integers uniform in [low, high), int64.</summary>
    public static Tensor Integers(long low, long high, long[] shape, Device device, Generator? generator)
    {
        var source = generator?.device ?? device;
        var t = torch.randint(low, high, shape, dtype: ScalarType.Int64, device: source, generator: generator);
        return MoveTo(t, device);
    }

    private static Tensor MoveTo(Tensor t, Device device)
    {
        if (t.device.type == device.type && t.device.index == device.index) return t;
        var moved = t.to(device);
        t.Dispose();
        return moved;
    }
}
