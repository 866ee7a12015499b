using System.Globalization;

namespace Seismic.Data.Npy;

/// <summary>
/// Parses the small subset of Python literals that .npy headers use: a dict with string keys whose values are
/// strings, True/False/None, integers, or tuples/lists of those, nested at most <see cref="MaxDepth"/> deep.
/// Anything else is a <see cref="FormatException"/>.
/// </summary>
internal static class PyLiteral
{
    /// <summary>Deepest nesting accepted: real headers nest two levels; a hostile one must not overflow the stack.</summary>
    public const int MaxDepth = 16;

    public static Dictionary<string, object> ParseDict(string text)
    {
        int pos = 0;
        SkipSpace(text, ref pos);
        if (pos >= text.Length || text[pos] != '{') throw new FormatException("it does not start with '{'");
        var value = ParseValue(text, ref pos, 0) as Dictionary<string, object>;
        SkipSpace(text, ref pos);
        if (pos != text.Length) throw new FormatException($"unexpected text after the dict at position {pos}");
        return value!;
    }

    private static object ParseValue(string s, ref int pos, int depth)
    {
        if (depth > MaxDepth) throw new FormatException($"nested deeper than {MaxDepth} levels at position {pos}");
        SkipSpace(s, ref pos);
        if (pos >= s.Length) throw new FormatException("unexpected end");
        char c = s[pos];
        switch (c)
        {
            case '{':
                {
                    pos++;
                    var dict = new Dictionary<string, object>(StringComparer.Ordinal);
                    while (true)
                    {
                        SkipSpace(s, ref pos);
                        if (pos < s.Length && s[pos] == '}') { pos++; return dict; }
                        if (ParseValue(s, ref pos, depth + 1) is not string key) throw new FormatException("dict key is not a string");
                        SkipSpace(s, ref pos);
                        Expect(s, ref pos, ':');
                        dict[key] = ParseValue(s, ref pos, depth + 1);
                        SkipSpace(s, ref pos);
                        if (pos < s.Length && s[pos] == ',') { pos++; continue; }
                        SkipSpace(s, ref pos);
                        Expect(s, ref pos, '}');
                        return dict;
                    }
                }
            case '(':
            case '[':
                {
                    char close = c == '(' ? ')' : ']';
                    pos++;
                    var items = new List<object>();
                    while (true)
                    {
                        SkipSpace(s, ref pos);
                        if (pos < s.Length && s[pos] == close) { pos++; return items; }
                        items.Add(ParseValue(s, ref pos, depth + 1));
                        SkipSpace(s, ref pos);
                        if (pos < s.Length && s[pos] == ',') { pos++; continue; }
                        Expect(s, ref pos, close);
                        return items;
                    }
                }
            case '\'':
            case '"':
                {
                    int end = s.IndexOf(c, pos + 1);
                    if (end < 0) throw new FormatException("unterminated string");
                    var str = s.Substring(pos + 1, end - pos - 1);
                    pos = end + 1;
                    return str;
                }
            default:
                {
                    int start = pos;
                    while (pos < s.Length && (char.IsLetterOrDigit(s[pos]) || s[pos] is '-' or '+' or '_')) pos++;
                    var word = s[start..pos];
                    if (word == "True") return true;
                    if (word == "False") return false;
                    if (word == "None") return NoneValue;
                    var digits = word.EndsWith('L') ? word[..^1] : word;
                    if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
                    throw new FormatException(word.Length == 0 ? $"unexpected '{c}' at position {start}" : $"unexpected '{word}'");
                }
        }
    }

    /// <summary>Stands for Python's None.</summary>
    public static readonly object NoneValue = new();

    private static void SkipSpace(string s, ref int pos)
    {
        while (pos < s.Length && (char.IsWhiteSpace(s[pos]) || s[pos] == '\0')) pos++;
    }

    private static void Expect(string s, ref int pos, char c)
    {
        if (pos >= s.Length || s[pos] != c) throw new FormatException($"expected '{c}' at position {pos}");
        pos++;
    }
}
