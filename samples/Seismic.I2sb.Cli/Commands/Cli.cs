using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The <c>seismic-i2sb</c> root command with every verb; Program.cs and the CLI tests both build it here.</summary>
internal static class Cli
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Seismic.I2sb: data-driven seismic full-waveform inversion with Image-to-Image Schrödinger Bridges.");
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
}
