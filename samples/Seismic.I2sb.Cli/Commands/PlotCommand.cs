using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `plot` verb (placeholder until its issue lands).</summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var command = new Command("plot", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'plot' is not implemented yet in this build.")));
        return command;
    }
}
