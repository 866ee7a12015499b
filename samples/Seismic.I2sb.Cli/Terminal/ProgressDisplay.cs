using System.Diagnostics;
using Spectre.Console;

namespace Seismic.I2sb.Cli.Terminal;

/// <summary>One progress update: items done of a total, and an optional short status text.</summary>
internal readonly record struct ProgressUpdate(long Done, long Total, string? Status = null);

/// <summary>
/// Shows progress of long work: an interactive bar in a terminal, plain periodic lines when output is redirected
/// (Spectre.Console prints nothing at all for a progress bar when redirected).
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, showing the progress it reports under <paramref name="title"/>.</summary>
    public static T Run<T>(string title, Func<IProgress<ProgressUpdate>, T> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            T result = default!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                         new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                    var progress = new SyncProgress<ProgressUpdate>(u =>
                    {
                        task.MaxValue = Math.Max(1, u.Total);
                        task.Value = u.Done;
                        if (u.Status is not null) task.Description = Markup.Escape($"{title} {u.Status}");
                    });
                    result = work(progress);
                    task.Value = task.MaxValue;
                });
            return result;
        }
        return work(new PlainLines(title));
    }

    /// <summary>Prints a line at most every few seconds, plus the first and the last update.</summary>
    private sealed class PlainLines(string title) : IProgress<ProgressUpdate>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new();
        private TimeSpan _last = TimeSpan.FromSeconds(-10);

        public void Report(ProgressUpdate u)
        {
            lock (_gate)
            {
                var now = _clock.Elapsed;
                bool final = u.Done >= u.Total;
                if (!final && now - _last < TimeSpan.FromSeconds(5)) return;
                _last = now;
                double pct = u.Total > 0 ? 100.0 * u.Done / u.Total : 0;
                Console.WriteLine($"{title}: {u.Done}/{u.Total} ({pct:F0}%) {u.Status} [{now:mm\\:ss}]".TrimEnd());
            }
        }
    }

    /// <summary>Invokes the handler synchronously (System.Progress posts to the thread pool and can reorder).</summary>
    private sealed class SyncProgress<TValue>(Action<TValue> handler) : IProgress<TValue>
    {
        private readonly object _gate = new();

        public void Report(TValue value)
        {
            lock (_gate) handler(value);
        }
    }
}
