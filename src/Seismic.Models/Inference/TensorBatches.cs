using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>Where loader batches (float arrays) become tensors.</summary>
internal static class TensorBatches
{
    /// <summary>
    /// A tensor on <paramref name="device"/> holding its own copy of <paramref name="values"/>: loader batches hand
    /// their arrays back for reuse as soon as they are disposed, so the tensor must not alias them.
    /// </summary>
    public static Tensor Copy(float[] values, long[] shape, Device device)
    {
        var cpu = empty(shape, ScalarType.Float32, CPU);
        cpu.data<float>().CopyFrom(values);
        if (device.type == DeviceType.CPU) return cpu;
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
