using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Seismic.I2sb.Cli.Terminal;

/// <summary>
/// A minimal logger for the command line: one line per message, through Spectre.Console so that messages written
/// while a progress bar is live do not tear it.
/// </summary>
internal sealed class ConsoleLogger(LogLevel minimum = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var text = formatter(state, exception);
        if (logLevel >= LogLevel.Warning) text = $"{logLevel.ToString().ToLowerInvariant()}: {text}";
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            AnsiConsole.MarkupLine(Markup.Escape(text));
        else
            Console.WriteLine(text);
    }
}
