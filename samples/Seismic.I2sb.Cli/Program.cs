using System.CommandLine;
using Seismic.I2sb.Cli.Commands;

// seismic-i2sb: thin verbs over the Seismic.* libraries. Each verb lives in Commands/<Verb>Command.cs.
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
})
{
    root.Subcommands.Add(command);
}
return root.Parse(args).Invoke();
