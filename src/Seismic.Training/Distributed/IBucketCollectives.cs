using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Training.Distributed;

/// <summary>
/// Collectives on one flat bucket tensor (1-D, contiguous, float32 or float64) of <see cref="GradientReducer"/>: the seam
/// where a device-side backend plugs in. <see cref="HostBucketCollectives"/> goes through host memory (in place for CPU
/// tensors, a copy to the CPU and back for CUDA ones). An NCCL implementation (libnccl.so.2: rank 0 creates an
/// <c>ncclUniqueId</c>, <see cref="IProcessGroup.Broadcast"/> hands it to every rank, each calls
/// <c>ncclCommInitRank(size, id, rank)</c> on the device of its local rank, then <c>ncclAllReduce</c> / <c>ncclBroadcast</c>
/// on the bucket's device pointer) would implement this interface and keep buckets on the GPU.
/// </summary>
public interface IBucketCollectives
{
    /// <summary>The processes the buckets are exchanged between.</summary>
    IProcessGroup Group { get; }

    /// <summary>Replaces <paramref name="bucket"/> on every rank by its element-wise sum over all ranks.</summary>
    void AllReduceSum(Tensor bucket);

    /// <summary>Copies <paramref name="bucket"/> of rank <paramref name="root"/> into every other rank's.</summary>
    void Broadcast(Tensor bucket, int root);
}

/// <summary>
/// <see cref="IBucketCollectives"/> through host memory and an <see cref="IProcessGroup"/>: a CPU bucket is exchanged in
/// place through its memory (<c>Tensor.bytes</c>, no copy); a bucket on another device is copied to the CPU, exchanged,
/// and copied back.
/// </summary>
internal sealed class HostBucketCollectives : IBucketCollectives
{
    /// <summary>Exchanges buckets over <paramref name="group"/>.</summary>
    public HostBucketCollectives(IProcessGroup group) => Group = group ?? throw new ArgumentNullException(nameof(group));

    /// <inheritdoc />
    public IProcessGroup Group { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The bucket is not a contiguous 1-D float32 or float64 tensor.</exception>
    public void AllReduceSum(Tensor bucket) => OnHost(bucket, host =>
    {
        if (host.dtype == ScalarType.Float32) Group.AllReduceSum(MemoryMarshal.Cast<byte, float>(host.bytes));
        else Group.AllReduceSum(MemoryMarshal.Cast<byte, double>(host.bytes));
    });

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The bucket is not a contiguous 1-D float32 or float64 tensor.</exception>
    public void Broadcast(Tensor bucket, int root) => OnHost(bucket, host => Group.Broadcast(host.bytes, root));

    private static void OnHost(Tensor bucket, Action<Tensor> exchange)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        if (bucket.dim() != 1 || !bucket.is_contiguous() || bucket.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"a bucket must be a contiguous 1-D float32 or float64 tensor, got {bucket.dtype} of shape [{string.Join(", ", bucket.shape)}]", nameof(bucket));
        if (bucket.device_type == DeviceType.CPU)
        {
            exchange(bucket);
            return;
        }
        // Host staging for GPU buckets: the NCCL seam (see IBucketCollectives) removes these two copies.
        using var host = bucket.cpu();
        exchange(host);
        bucket.copy_(host);
    }
}
