namespace Seismic.Data.Npy;

/// <summary>The little-endian element types this library reads (numpy <c>descr</c> in brackets).</summary>
public enum NpyDType
{
    /// <summary>32-bit float (<c>&lt;f4</c>); read without copying.</summary>
    Float32,
    /// <summary>64-bit float (<c>&lt;f8</c>); converted to float32 on read.</summary>
    Float64,
    /// <summary>Signed 8-bit integer (<c>|i1</c>).</summary>
    Int8,
    /// <summary>Signed 16-bit integer (<c>&lt;i2</c>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<c>&lt;i4</c>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (<c>&lt;i8</c>).</summary>
    Int64,
    /// <summary>Unsigned 8-bit integer (<c>|u1</c>).</summary>
    UInt8,
    /// <summary>Unsigned 16-bit integer (<c>&lt;u2</c>).</summary>
    UInt16,
    /// <summary>Unsigned 32-bit integer (<c>&lt;u4</c>).</summary>
    UInt32,
    /// <summary>Unsigned 64-bit integer (<c>&lt;u8</c>).</summary>
    UInt64,
}

internal static class NpyDTypes
{
    public static int SizeOf(NpyDType t) => t switch
    {
        NpyDType.Int8 or NpyDType.UInt8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 => 2,
        NpyDType.Float32 or NpyDType.Int32 or NpyDType.UInt32 => 4,
        _ => 8,
    };

    /// <summary>Parses a numpy descr such as <c>&lt;f4</c>; returns null with a reason when unsupported.</summary>
    public static NpyDType? Parse(string descr, out string? problem)
    {
        problem = null;
        if (descr.Length < 2)
        {
            problem = $"unsupported dtype '{descr}'";
            return null;
        }
        char order = descr[0];
        string kind = descr[1..];
        if (order == '>' && kind is not ("i1" or "u1" or "b1"))
        {
            problem = $"big-endian dtype '{descr}' is not supported (save it little-endian, e.g. arr.astype('<f4'))";
            return null;
        }
        if (order is not ('<' or '|' or '=' or '>'))
        {
            problem = $"unsupported dtype '{descr}'";
            return null;
        }
        NpyDType? t = kind switch
        {
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            "i1" => NpyDType.Int8,
            "i2" => NpyDType.Int16,
            "i4" => NpyDType.Int32,
            "i8" => NpyDType.Int64,
            "u1" => NpyDType.UInt8,
            "u2" => NpyDType.UInt16,
            "u4" => NpyDType.UInt32,
            "u8" => NpyDType.UInt64,
            _ => null,
        };
        if (t is null)
            problem = kind.StartsWith('O')
                ? $"object dtype '{descr}' is not supported (pickled Python objects cannot be read)"
                : $"unsupported dtype '{descr}' (supported: <f4, <f8 and little-endian integers)";
        return t;
    }

    public static string Descr(NpyDType t) => t switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.Int8 => "|i1",
        NpyDType.Int16 => "<i2",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        NpyDType.UInt8 => "|u1",
        NpyDType.UInt16 => "<u2",
        NpyDType.UInt32 => "<u4",
        _ => "<u8",
    };
}
