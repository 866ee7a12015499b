using System.Text;

namespace Seismic.Tests;

/// <summary>
/// Writes small protocol-4 pickles by hand, opcode by opcode as Python's pickle module does, so that tests can make
/// options.pkl files (an <c>argparse.Namespace</c> of plain values) without Python.
/// </summary>
internal static class PickleBytes
{
    /// <summary>A pickled <c>argparse.Namespace</c> whose attributes are the given opcode runs (see <see cref="Value"/>).</summary>
    public static byte[] Namespace(params (string Name, byte[] Value)[] attributes) => Pickle(ns: true, attributes);

    /// <summary>A pickled dict of the given entries.</summary>
    public static byte[] Dict(params (string Name, byte[] Value)[] entries) => Pickle(ns: false, entries);

    /// <summary>The opcodes of one plain value: null, bool, int, long, double or string.</summary>
    public static byte[] Value(object? value) => value switch
    {
        null => [0x4e],
        bool b => [b ? (byte)0x88 : (byte)0x89],
        int i => [0x4a, .. BitConverter.GetBytes(i)],
        long l when l is >= int.MinValue and <= int.MaxValue => [0x4a, .. BitConverter.GetBytes((int)l)],
        double d => Float(d),
        string s => Str(s),
        _ => throw new ArgumentException($"no opcodes for a {value.GetType().Name}"),
    };

    /// <summary>SHORT_BINUNICODE of a short string.</summary>
    public static byte[] Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return [0x8c, (byte)b.Length, .. b];
    }

    /// <summary>BINFLOAT (big-endian double).</summary>
    public static byte[] Float(double d)
    {
        var b = BitConverter.GetBytes(d);
        Array.Reverse(b);
        return [0x47, .. b];
    }

    private static byte[] Pickle(bool ns, (string Key, byte[] Value)[] items)
    {
        var body = new List<byte> { 0x80, 4 };
        if (ns) body.AddRange([.. Str("argparse"), .. Str("Namespace"), 0x93, 0x29, 0x81]);
        body.AddRange([0x7d, 0x28]);
        foreach (var (k, v) in items) body.AddRange([.. Str(k), .. v]);
        body.Add(0x75);
        if (ns) body.Add(0x62);
        body.Add(0x2e);
        return [.. body];
    }
}
