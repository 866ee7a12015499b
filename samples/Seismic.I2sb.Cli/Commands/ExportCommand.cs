using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `export` verb (placeholder until its issue lands).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'export' is not implemented yet in this build.")));
        return command;
    }
}
