using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `forward` verb (placeholder until its issue lands).</summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var command = new Command("forward", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'forward' is not implemented yet in this build.")));
        return command;
    }
}
