using Seismic.I2sb.Cli.Commands;

// seismic-i2sb: thin verbs over the Seismic.* libraries. Each verb lives in Commands/<Verb>Command.cs;
// Commands/Cli.cs assembles them (the CLI tests invoke the same root in-process).
return Cli.BuildRoot().Parse(args).Invoke();
