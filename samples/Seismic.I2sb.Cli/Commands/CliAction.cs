using System.CommandLine;
using System.Text.RegularExpressions;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The exit codes of <c>seismic-i2sb</c>, one per class of failure (docs/troubleshooting.md lists them).</summary>
internal enum ExitCode
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>The run failed for another reason (an operation that cannot proceed, e.g. an empty split).</summary>
    Failed = 1,
    /// <summary>A flag or its value is wrong (including System.CommandLine's parse errors).</summary>
    Usage = 2,
    /// <summary>An input file is missing, unreadable, corrupt or holds bad values.</summary>
    BadInput = 3,
    /// <summary>An output could not be written (permissions, full disk, ...).</summary>
    Io = 4,
    /// <summary>The run folder is in use, would be overwritten, or the checkpoint contradicts the flags.</summary>
    RunConflict = 5,
    /// <summary>Training diverged (non-finite loss).</summary>
    Diverged = 6,
    /// <summary>The environment lacks something: native libraries, CUDA, memory.</summary>
    Environment = 7,
    /// <summary>A bug: an exception nobody expected.</summary>
    Internal = 70,
    /// <summary>Stopped by SIGINT (Ctrl-C).</summary>
    Interrupted = 130,
    /// <summary>Stopped by SIGTERM.</summary>
    Terminated = 143,
}

/// <summary>
/// Runs a verb's body and turns any failure into one line on stderr, naming the flag the user typed where the
/// library names a setting (by <see cref="ArgumentException.ParamName"/>, through the verb's table), and an
/// <see cref="ExitCode"/> per class of failure. The full exception follows the line
/// only with <c>--verbose</c> or <c>SEISMIC_I2SB_DEBUG=1</c>.
/// </summary>
internal static partial class CliAction
{
    /// <summary>Environment variable that turns on full exception traces (like <c>--verbose</c>).</summary>
    public const string DebugVariable = "SEISMIC_I2SB_DEBUG";

    /// <summary>Runs <paramref name="body"/>.</summary>
    /// <param name="parse">The parsed command line (for <c>--verbose</c> and the verb's flags).</param>
    /// <param name="body">The verb's work; returns its exit code.</param>
    /// <param name="flags">The verb's table from setting paths (as the libraries' ArgumentException.ParamName gives them,
    /// e.g. <c>Optimization.Microbatch</c>) to the flags that set them; null when the verb's body names flags itself.</param>
    public static int Run(ParseResult parse, Func<int> body, IReadOnlyDictionary<string, string>? flags = null)
    {
        try
        {
            if (parse.CommandResult.Command.Name is "train" or "sample" or "evaluate" or "quickstart")
                TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment()); // the application's choice, made once per process
            return body();
        }
        catch (Exception thrown)
        {
            var (code, message) = Describe(thrown, flags);
            Console.Error.WriteLine($"error: {message}");
            if (code == (int)ExitCode.Internal && !Debug(parse))
                Console.Error.WriteLine($"(an internal error: run again with --verbose or {DebugVariable}=1 for the stack trace, and please report it)");
            if (Debug(parse)) Console.Error.WriteLine(thrown);
            return code;
        }
    }

    /// <summary>
    /// The exit code and the one-line message (flags as the user typed them) of a failure: what <see cref="Run"/> prints,
    /// and what a failing rank of a distributed job prints before it aborts the job.
    /// </summary>
    public static (int ExitCode, string Message) Describe(Exception thrown, IReadOnlyDictionary<string, string>? flags)
    {
        var e = Unwrap(thrown);
        var (code, message) = Classify(e);
        return ((int)code, OneLine(e switch
        {
            ArgumentException a => Flag(message, a.ParamName, flags),
            RunConflictException => Mentions(message, flags),
            _ => message,
        }));
    }

    /// <summary>True when full traces were asked for.</summary>
    public static bool Debug(ParseResult parse) =>
        parse.GetValue(Cli.Verbose) || Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true";

    private static (ExitCode, string) Classify(Exception e) => e switch
    {
        OperationCanceledException => (ExitCode.Interrupted, "interrupted"),
        RunConflictException => (ExitCode.RunConflict, e.Message),
        TrainingDivergedException => (ExitCode.Diverged, e.Message),
        TorchUnavailableException or DllNotFoundException or BadImageFormatException or OutOfMemoryException
            or InsufficientMemoryException => (ExitCode.Environment, e.Message),
        ArgumentException or NotSupportedException => (ExitCode.Usage, e.Message),
        NpyFormatException or OpenFwiLayoutException or InvalidSampleException or InvalidDataException or FormatException
            or FileNotFoundException or DirectoryNotFoundException or StateDictException
            or System.Text.Json.JsonException => (ExitCode.BadInput, e.Message),
        UnauthorizedAccessException or IOException => (ExitCode.Io, e.Message),
        InvalidOperationException => (ExitCode.Failed, e.Message),
        _ => (ExitCode.Internal, $"{e.GetType().Name}: {e.Message}"),
    };

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: > 0 } a: e = a.InnerExceptions[0]; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                case TypeInitializationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', ParameterSuffix().Replace(message, "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// The libraries name a failed setting by its path, in ArgumentException.ParamName and at the start of the message
    /// (<c>Optimization.Microbatch must divide ...</c>); the user typed a flag. When the verb's table maps that path, the
    /// leading path becomes the flag (<c>--microbatch must divide ...</c>); any other message is printed as it is.
    /// </summary>
    internal static string Flag(string message, string? path, IReadOnlyDictionary<string, string>? flags) =>
        path is not null && flags is not null && flags.TryGetValue(path, out var flag) && message.StartsWith(path, StringComparison.Ordinal)
            ? flag + message[path.Length..]
            : message;

    /// <summary>
    /// A run conflict (from the trainer) lists several settings in one sentence, e.g. every option a resume contradicts,
    /// and has no ParamName: there each path of the verb's table that appears as a whole word becomes its flag.
    /// </summary>
    internal static string Mentions(string message, IReadOnlyDictionary<string, string>? flags)
    {
        if (flags is null) return message;
        foreach (var (path, flag) in flags.OrderByDescending(f => f.Key.Length)) // Model.Bridge.T0 before Model.Bridge.T
            message = Regex.Replace(message, $@"(?<![\w./\\-]){Regex.Escape(path)}(?![\w/\\-])", flag.Replace("$", "$$"));
        return message;
    }

    /// <summary>Converts a minutes flag into a time span, rejecting values that are not positive, finite and representable.</summary>
    public static TimeSpan Minutes(double minutes, string flag)
    {
        if (!(minutes > 0 && minutes <= TimeSpan.MaxValue.TotalMinutes / 2))
            throw new ArgumentException($"{flag} must be a positive number of minutes, got {minutes}");
        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>
    /// Makes sure <paramref name="dir"/> exists and is writable before any work, and removes the result files a previous
    /// run left there, so that a failure never leaves results that look complete.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or written; the message names it.</exception>
    public static void PrepareOutputFolder(string dir, params string[] results)
    {
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            foreach (var result in results) File.Delete(Path.Combine(dir, result));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{dir}: the output folder cannot be written ({e.Message})", e);
        }
    }

    /// <summary>Fails with a message naming the missing file or folder.</summary>
    public static void RequireFile(string path, string what)
    {
        if (!File.Exists(path)) throw new NpyFormatException(path, $"{what} not found");
    }

    [GeneratedRegex(@" ?\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
