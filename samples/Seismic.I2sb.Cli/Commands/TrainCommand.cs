using System.CommandLine;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `train` verb (placeholder until its issue lands).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Not available yet in this build.");
        command.SetAction(_ => CliAction.Run(() => throw new NotSupportedException("'train' is not implemented yet in this build.")));
        return command;
    }
}
