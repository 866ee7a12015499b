using System.Runtime.InteropServices;

namespace Seismic.I2sb.Cli.Terminal;

/// <summary>
/// Turns the first SIGINT (Ctrl-C) or SIGTERM into a cancellation request, so that long work can stop at a safe point
/// (training: after the current iteration, with a checkpoint); a second signal stops the process at once.
/// </summary>
internal sealed class GracefulStop : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly string _finishing;
    private int _signals;

    /// <param name="finishing">What happens before the process stops, e.g. "finishing the current iteration and writing the checkpoint".</param>
    public GracefulStop(string finishing)
    {
        _finishing = finishing;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The conventional exit code for the signal received: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? 143 : 130;

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            context.Cancel = false; // the default action: stop now
            return;
        }
        context.Cancel = true;
        Signal = context.Signal;
        Console.Error.WriteLine($"{context.Signal} received: {_finishing}; press Ctrl-C again to stop at once.");
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
