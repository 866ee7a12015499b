using Seismic.Data.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>Where loader batches (float arrays) become tensors, for the trainer, the evaluators and custom loops.</summary>
public static class SampleBatchTensors
{
    /// <summary>
    /// The batch's velocity (B, 1, S, S) and seismic condition (B, ns, S, S) as float32 tensors on <paramref name="device"/>,
    /// each holding its own copy: disposing the batch hands its arrays back to the loader for reuse, so the tensors
    /// must not alias them. The caller owns the tensors.
    /// </summary>
    /// <param name="batch">A batch from <see cref="BatchLoader"/>.</param>
    /// <param name="device">Where the tensors go.</param>
    public static (Tensor Velocity, Tensor Seismic) ToTensors(this SampleBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return (Copy(batch.Velocity, batch.VelocityShape, device), Copy(batch.Seismic, batch.SeismicShape, device));
    }

    private static Tensor Copy(float[] values, long[] shape, Device device)
    {
        var cpu = empty(shape, ScalarType.Float32, CPU);
        cpu.data<float>().CopyFrom(values);
        if (device.type == DeviceType.CPU) return cpu;
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
