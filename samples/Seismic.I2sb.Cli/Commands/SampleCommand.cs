using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `sample` verb (placeholder until its issue lands).</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var command = new Command("sample", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'sample' is not implemented yet in this build.")));
        return command;
    }
}
