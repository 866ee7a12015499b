using static TorchSharp.torch;

namespace Seismic.Models.Checkpoints;

/// <summary>
/// A minimal, documented serialisation of named tensors for checkpoint sections: int32 count, then per tensor a
/// length-prefixed name, int32 dtype code (TorchSharp's <see cref="ScalarType"/>), int32 rank, int64 dims and the
/// raw little-endian bytes of the contiguous CPU tensor.
/// </summary>
internal static class TensorDictionaryFormat
{
    public static void Write(BinaryWriter w, IReadOnlyDictionary<string, Tensor> tensors)
    {
        w.Write(tensors.Count);
        foreach (var (name, t) in tensors)
        {
            using var cpu = t.detach().cpu().contiguous();
            w.Write(name);
            w.Write((int)cpu.dtype);
            w.Write(cpu.shape.Length);
            foreach (var d in cpu.shape) w.Write(d);
            var bytes = cpu.bytes;
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    public static Dictionary<string, Tensor> Read(BinaryReader r)
    {
        int count = r.ReadInt32();
        var result = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            var name = r.ReadString();
            var dtype = (ScalarType)r.ReadInt32();
            var shape = new long[r.ReadInt32()];
            for (int k = 0; k < shape.Length; k++) shape[k] = r.ReadInt64();
            var bytes = r.ReadBytes(r.ReadInt32());
            var t = empty(shape, dtype);
            t.bytes = bytes;
            result[name] = t;
        }
        return result;
    }
}
