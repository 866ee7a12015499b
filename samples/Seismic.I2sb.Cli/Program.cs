using Seismic.I2sb.Cli.Commands;

// seismic-i2sb: thin verbs over the Seismic.* libraries. Each verb lives in Commands/<Verb>Command.cs;
// Commands/Cli.cs assembles and runs them (the CLI tests invoke the same entry point in-process).
return Cli.Run(args);
