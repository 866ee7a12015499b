using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `evaluate` verb (placeholder until its issue lands).</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'evaluate' is not implemented yet in this build.")));
        return command;
    }
}
