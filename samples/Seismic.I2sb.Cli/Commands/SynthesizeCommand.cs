using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `synthesize` verb (placeholder until its issue lands).</summary>
internal static class SynthesizeCommand
{
    public static Command Create()
    {
        var command = new Command("synthesize", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'synthesize' is not implemented yet in this build.")));
        return command;
    }
}
