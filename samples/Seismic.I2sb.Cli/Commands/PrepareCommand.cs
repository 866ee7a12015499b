using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `prepare` verb (placeholder until its issue lands).</summary>
internal static class PrepareCommand
{
    public static Command Create()
    {
        var command = new Command("prepare", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'prepare' is not implemented yet in this build.")));
        return command;
    }
}
