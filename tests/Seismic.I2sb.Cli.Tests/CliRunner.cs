
namespace Seismic.I2sb.Cli.Tests;

/// <summary>What one in-process invocation of <c>seismic-i2sb</c> returned and printed.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>The error output as lines (without empty ones).</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Invokes the real root command in-process with Console.Out and Console.Error captured.</summary>
internal static class CliRunner
{
    private static readonly Lock Gate = new();

    public static CliResult Run(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = Seismic.I2sb.Cli.Commands.Cli.Run(args);
                return new CliResult(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    /// <summary>Runs and fails the test with the full output when the exit code is not 0.</summary>
    public static CliResult Succeed(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, $"seismic-i2sb {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    /// <summary>
    /// Synthesises a FlatVel_A set into <c>dir/flatvel</c> and trains the tiny model the verb tests share (i2sb_small_cond,
    /// 16 px, 2 iterations) into <c>dir/results/tiny</c>; returns its checkpoint.
    /// </summary>
    public static string TrainTiny(TempDir dir, int train, int val, int perFile, int seed)
    {
        string data = dir["flatvel"], results = dir["results"];
        Succeed("synthesize", "--family", "FlatVel_A", "--train", $"{train}", "--val", $"{val}", "--per-file", $"{perFile}", "--seed", $"{seed}", "--out", data);
        Succeed("train", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--result-dir", results, "--name", "tiny",
                "--gpu", "cpu", "--model", "i2sb_small_cond", "--image-size", "16", "--batch-size", "2", "--microbatch", "2",
                "--num-itr", "2", "--interval", "100", "--corrupt", "blur-openfwi_benchmark", "--val-every", "1000", "--save-every", "1000");
        return Path.Combine(results, "tiny", "latest.ckpt");
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("seismic-cli-").FullName;

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
