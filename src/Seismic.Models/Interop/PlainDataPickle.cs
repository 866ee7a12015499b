using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Seismic.Models;

/// <summary>
/// A pickle reader that builds plain data only and runs no code: <c>None</c>, <c>bool</c>, <c>int</c>, <c>float</c>,
/// <c>str</c>, <c>bytes</c>, <c>list</c>, <c>tuple</c>, <c>dict</c>, <c>argparse.Namespace</c> (as a dictionary of its
/// attributes) and <c>pathlib.PosixPath</c>/<c>PurePosixPath</c> (as their string). Any other global, and the text
/// opcodes of protocols 0 and 1, are refused with an error that names the file and the global or opcode.
/// </summary>
/// <remarks>
/// Values come back as <c>null</c>, <see cref="bool"/>, <see cref="long"/> (or <see cref="BigInteger"/> beyond 64 bits),
/// <see cref="double"/>, <see cref="string"/>, <c>byte[]</c>, <see cref="List{T}"/> of object (list and tuple) and
/// <see cref="Dictionary{TKey, TValue}"/> of object to object (dict and Namespace). Protocols 2 to 5 are read; the
/// original's options.pkl is protocol 4 (Python 3.8 and later).
/// </remarks>
internal sealed class PlainDataPickle
{
    private static readonly HashSet<(string Module, string Name)> Allowed =
    [
        ("argparse", "Namespace"), ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"),
    ];

    private readonly string _path;
    private readonly byte[] _data;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private PlainDataPickle(string path, byte[] data) => (_path, _data) = (path, data);

    /// <summary>A callable the pickle named: one of the allowed globals.</summary>
    private sealed record Global(string Module, string Name)
    {
        public bool IsPath => Module == "pathlib";
    }

    /// <summary>A Namespace under construction (NEWOBJ gives it, BUILD fills it).</summary>
    internal sealed class Namespace : Dictionary<object, object?>;

    /// <summary>Reads the one object pickled in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a pickle, truncated, or it holds something other than plain data; the message names the file and what was found.</exception>
    public static object? Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.", path);
        return new PlainDataPickle(path, File.ReadAllBytes(path)).Run();
    }

    /// <summary>Reads the one object pickled in <paramref name="data"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Load(string)"/>.</exception>
    public static object? Load(byte[] data, string source) => new PlainDataPickle(source, data).Run();

    private object? Run()
    {
        if (_data.Length < 2 || _data[0] != 0x80)
            throw Bad("it does not start like a pickle of protocol 2 or later (no PROTO opcode)");
        while (true)
        {
            int at = _pos;
            byte op = Byte();
            switch (op)
            {
                case 0x80: // PROTO
                    if (Byte() is < 2 or > 5) throw Bad($"pickle protocol {_data[_pos - 1]} is not supported (2 to 5 are)");
                    break;
                case 0x95: Take(8); break; // FRAME: the length only
                case 0x2e: // STOP
                    if (_stack.Count != 1) throw Bad("the pickle ends with a malformed stack");
                    return Finish(Pop());
                case 0x4e: Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case 0x4a: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case 0x4b: Push((long)Byte()); break; // BININT1
                case 0x4d: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(Long(Byte())); break; // LONG1
                case 0x8b: Push(Long(Length(BinaryPrimitives.ReadInt32LittleEndian(Take(4))))); break; // LONG4
                case 0x47: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case 0x8c: Push(Utf8(Byte())); break; // SHORT_BINUNICODE
                case 0x58: Push(Utf8(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8d: Push(Utf8(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))); break; // BINUNICODE8
                case 0x43: Push(Take(Byte()).ToArray()); break; // SHORT_BINBYTES
                case 0x42: Push(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray()); break; // BINBYTES
                case 0x8e: Push(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray()); break; // BINBYTES8
                case 0x5d: Push(new List<object?>()); break; // EMPTY_LIST
                case 0x29: Push(new List<object?>()); break; // EMPTY_TUPLE
                case 0x7d: Push(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case 0x28: _marks.Push(_stack.Count); break; // MARK
                case 0x74: Push(PopMark()); break; // TUPLE
                case 0x85: Push(PopN(1)); break; // TUPLE1
                case 0x86: Push(PopN(2)); break; // TUPLE2
                case 0x87: Push(PopN(3)); break; // TUPLE3
                case 0x61: // APPEND
                {
                    var item = Pop();
                    ListOnTop("APPEND").Add(item);
                    break;
                }
                case 0x65: // APPENDS
                {
                    var items = PopMark();
                    ListOnTop("APPENDS").AddRange(items);
                    break;
                }
                case 0x73: // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    SetItem(DictOnTop("SETITEM"), key, value);
                    break;
                }
                case 0x75: // SETITEMS
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0) throw Bad("SETITEMS with an odd number of items");
                    var dict = DictOnTop("SETITEMS");
                    for (int i = 0; i < items.Count; i += 2) SetItem(dict, items[i], items[i + 1]);
                    break;
                }
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case 0x71: _memo[Byte()] = Peek(); break; // BINPUT
                case 0x72: _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x68: Push(Memo(Byte())); break; // BINGET
                case 0x6a: Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n) throw Bad("STACK_GLOBAL without a module and a name");
                    Push(GlobalOf(m, n));
                    break;
                }
                case 0x63: // GLOBAL "module\nname\n"
                {
                    string m = Line(), n = Line();
                    Push(GlobalOf(m, n));
                    break;
                }
                case 0x81: // NEWOBJ cls args
                {
                    var args = Pop();
                    var cls = Pop();
                    Push(Construct(cls, args, "NEWOBJ"));
                    break;
                }
                case 0x52: // REDUCE callable args
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Construct(callable, args, "REDUCE"));
                    break;
                }
                case 0x62: // BUILD obj state
                {
                    var state = Pop();
                    if (Peek() is not Namespace target || state is not Dictionary<object, object?> attributes)
                        throw Bad("BUILD on something other than an argparse.Namespace, or with a state that is not a dict");
                    foreach (var (k, v) in attributes) target[k] = v;
                    break;
                }
                default:
                    throw Bad($"opcode 0x{op:x2} ('{(op is >= 0x20 and < 0x7f ? (char)op : '?')}') at byte {at} is not plain data of protocols 2 to 5 " +
                              "(only None, bool, int, float, str, bytes, list, tuple, dict, argparse.Namespace and pathlib paths are read)");
            }
        }
    }

    private Global GlobalOf(string module, string name) =>
        Allowed.Contains((module, name)) ? new Global(module, name)
            : throw Bad($"it refers to the global '{module}.{name}', which is not plain data; only argparse.Namespace, pathlib.PosixPath and " +
                        "pathlib.PurePosixPath are allowed (nothing is executed: re-save the object with plain values)");

    private object Construct(object? callable, object? args, string opcode)
    {
        if (callable is not Global g) throw Bad($"{opcode} on something that is not an allowed class");
        if (args is not List<object?> list) throw Bad($"{opcode} of {g.Module}.{g.Name} without an argument tuple");
        if (g.IsPath)
        {
            if (list.Any(a => a is not string)) throw Bad($"{g.Module}.{g.Name} with parts that are not strings");
            return JoinParts(list.Cast<string>());
        }
        if (list.Count != 0) throw Bad($"argparse.Namespace built with arguments");
        return new Namespace();
    }

    /// <summary>A path from its parts as pathlib pickles them: ('/', 'a', 'b') is '/a/b'.</summary>
    private static string JoinParts(IEnumerable<string> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (text.Length > 0 && text[^1] != '/') text.Append('/');
            text.Append(part);
        }
        return text.ToString();
    }

    private static void SetItem(Dictionary<object, object?> dict, object? key, object? value) =>
        dict[key ?? throw new InvalidDataException("a dict key is None")] = value;

    /// <summary>Namespaces become plain dictionaries at the end; everything else is already plain.</summary>
    private static object? Finish(object? value) => value switch
    {
        Namespace ns => new Dictionary<object, object?>(ns.Select(kv => KeyValuePair.Create(kv.Key, Finish(kv.Value)))),
        Dictionary<object, object?> d => new Dictionary<object, object?>(d.Select(kv => KeyValuePair.Create(kv.Key, Finish(kv.Value)))),
        List<object?> l => l.Select(Finish).ToList(),
        Global g => throw new InvalidDataException($"a bare class {g.Module}.{g.Name} is not plain data"),
        _ => value,
    };

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo entry {key} is read before it is written");

    private List<object?> ListOnTop(string opcode) => Peek() as List<object?> ?? throw Bad($"{opcode} on something that is not a list");

    private Dictionary<object, object?> DictOnTop(string opcode) =>
        Peek() is Dictionary<object, object?> d and not Namespace ? d : throw Bad($"{opcode} on something that is not a dict");

    private static object Long(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object Long(int n) => Long(Take(n));

    private int Length(long n) => n >= 0 && n <= _data.Length - _pos ? (int)n : throw Bad($"a length of {n} bytes runs past the end of the file");

    private int Length(ulong n) => n <= (ulong)(_data.Length - _pos) ? (int)n : throw Bad($"a length of {n} bytes runs past the end of the file");

    private string Utf8(int n) => Encoding.UTF8.GetString(Take(n));

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Bad("GLOBAL without a line end");
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private byte Byte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > _data.Length) throw Bad("it is truncated");
        var span = _data.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad("the stack is empty");

    private object? Pop()
    {
        var v = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private List<object?> PopN(int n)
    {
        if (_stack.Count < n) throw Bad("the stack is empty");
        var items = _stack.GetRange(_stack.Count - n, n);
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Bad("an opcode needs a MARK that is not there");
        return PopN(_stack.Count - _marks.Pop());
    }

    private InvalidDataException Bad(string problem) => new($"'{_path}' cannot be read as plain pickled data: {problem}.");
}
