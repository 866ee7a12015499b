using Seismic.Data.Npy;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>Runs a verb's body and turns any failure into one line on stderr and a non-zero exit code.</summary>
internal static class CliAction
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException
                                      or NotSupportedException or FormatException or UnauthorizedAccessException
                                      or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return e is ArgumentException ? 2 : 1;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Fails with a message naming the missing file or folder.</summary>
    public static void RequireFile(string path, string what)
    {
        if (!File.Exists(path)) throw new NpyFormatException(path, $"{what} not found");
    }
}
