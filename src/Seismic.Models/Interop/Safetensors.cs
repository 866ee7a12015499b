using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// A small codec for the safetensors format: 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}</c>), then the raw little-endian tensor bytes.
/// (TorchSharp.PyBridge only exposes safetensors through whole modules; the trainer and the validation here need the
/// dictionary itself.)
/// </summary>
internal static class Safetensors
{
    public static bool HasHeader(ReadOnlySpan<byte> first9) =>
        first9.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(first9) is > 1 and < 100_000_000 && first9[8] == (byte)'{';

    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(stream.Length - 8, int.MaxValue))
            throw new StateDictException($"'{path}' is not a valid safetensors file: its header length {headerLength} exceeds the file.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;

        var result = new Dictionary<string, Tensor>();
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var dtype = ToScalarType(entry.Value.GetProperty("dtype").GetString(), path, entry.Name);
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long length = offsets[1] - offsets[0];
                var tensor = empty(shape, dtype);
                if (length != tensor.numel() * tensor.element_size() || dataStart + offsets[1] > stream.Length)
                {
                    tensor.Dispose();
                    throw new StateDictException($"'{path}': tensor '{entry.Name}' has {length} bytes for shape [{string.Join(", ", shape)}] or lies beyond the end of the file.");
                }
                var bytes = new byte[length];
                stream.Position = dataStart + offsets[0];
                stream.ReadExactly(bytes);
                tensor.bytes = bytes;
                result.Add(entry.Name, tensor);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or EndOfStreamException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new StateDictException($"'{path}' is not a valid safetensors file: {e.Message}", e);
        }
        return result;
    }

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var entries = tensors.Select(kv => (kv.Key, Tensor: kv.Value.detach().cpu().contiguous())).ToList();
        try
        {
            using var headerStream = new MemoryStream();
            using (var json = new Utf8JsonWriter(headerStream))
            {
                json.WriteStartObject();
                json.WriteStartObject("__metadata__");
                json.WriteString("format", "pt");
                json.WriteEndObject();
                long offset = 0;
                foreach (var (name, t) in entries)
                {
                    long length = t.numel() * t.element_size();
                    json.WriteStartObject(name);
                    json.WriteString("dtype", ToCode(t.dtype, name));
                    json.WriteStartArray("shape");
                    foreach (var d in t.shape) json.WriteNumberValue(d);
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(offset + length);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset += length;
                }
                json.WriteEndObject();
            }
            // Pad the header with spaces to a multiple of 8 bytes, as the reference implementation does.
            while (headerStream.Length % 8 != 0) headerStream.WriteByte((byte)' ');

            var lengthBytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)headerStream.Length);
            stream.Write(lengthBytes);
            headerStream.Position = 0;
            headerStream.CopyTo(stream);
            foreach (var (_, t) in entries) stream.Write(t.bytes);
        }
        finally
        {
            foreach (var (_, t) in entries) t.Dispose();
        }
    }

    private static ScalarType ToScalarType(string? code, string path, string name) => code switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new StateDictException($"'{path}': tensor '{name}' has unsupported safetensors dtype '{code}'."),
    };

    private static string ToCode(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"Tensor '{name}' has dtype {dtype}, which safetensors cannot store."),
    };
}
