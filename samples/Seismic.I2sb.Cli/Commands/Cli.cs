using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The <c>seismic-i2sb</c> root command with every verb; Program.cs and the CLI tests both run it here.</summary>
internal static class Cli
{
    /// <summary>Prints the full exception after the <c>error:</c> line (as <c>SEISMIC_I2SB_DEBUG=1</c> does).</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = $"On failure, print the full exception trace too (or set {CliAction.DebugVariable}=1).", Recursive = true };

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Seismic.I2sb: data-driven seismic full-waveform inversion with Image-to-Image Schrödinger Bridges.");
        root.Options.Add(Verbose);
        foreach (var command in new[]
        {
            QuickstartCommand.Create(),
            PrepareCommand.Create(),
            ExportCommand.Create(),
            SynthesizeCommand.Create(),
            ForwardCommand.Create(),
            TrainCommand.Create(),
            SampleCommand.Create(),
            EvaluateCommand.Create(),
            PlotCommand.Create(),
            DoctorCommand.Create(),
        })
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a parse error is one <c>error:</c> line and exit code 2, like any bad flag.</summary>
    public static int Run(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        bool help = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
        if (parse.Errors.Count > 0 && !help)
        {
            var verb = string.Join(' ', parse.CommandResult.Command.Name == "seismic-i2sb" ? [] : new[] { parse.CommandResult.Command.Name });
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see: seismic-i2sb {verb} --help)".Replace("  ", " "));
            return (int)ExitCode.Usage;
        }
        return parse.Invoke();
    }
}
