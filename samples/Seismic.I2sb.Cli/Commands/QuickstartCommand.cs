using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `quickstart` verb (placeholder until its issue lands).</summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var command = new Command("quickstart", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'quickstart' is not implemented yet in this build.")));
        return command;
    }
}
