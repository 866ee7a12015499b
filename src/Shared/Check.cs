namespace Seismic;

/// <summary>
/// The one validation style of every options record: a failed check throws <see cref="ArgumentException"/> whose
/// <see cref="ArgumentException.ParamName"/> is the setting's path (<c>Model.ImageSize</c>) and whose message starts with
/// that path, so callers (the CLI) map settings to their own names by ParamName, never by parsing message text.
/// One source file compiled into each library, since they share no common assembly.
/// </summary>
internal static class Check
{
    /// <summary>Throws <c>"{path} {problem}"</c> unless <paramref name="ok"/>.</summary>
    public static void That(bool ok, string path, string problem)
    {
        if (!ok) throw new ArgumentException($"{path} {problem}", path);
    }

    /// <summary>
    /// Runs a nested record's validation and reports its failures under the path the user set: ParamName and message
    /// get <c>prefix.</c> in front (<c>Network.GroupNormGroups</c> becomes <c>Model.Network.GroupNormGroups</c>).
    /// </summary>
    public static void Nested(string prefix, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } path)
        {
            throw new ArgumentException($"{prefix}.{Problem(e)}", $"{prefix}.{path}", e);
        }
    }

    /// <summary>A nested record that must be present: returns it, or throws <c>"{path} must be set"</c>.</summary>
    public static T Set<T>(T? value, string path) where T : class =>
        value ?? throw new ArgumentException($"{path} must be set", path);

    /// <summary>
    /// The one memory rule of the batch sizes checked before work starts (training's microbatch and validation batch,
    /// evaluation's batch): one batch's maps (x0, x1, the prediction and <paramref name="shots"/> seismic channels, S x S
    /// float32) must fit in a quarter of the memory available, since the activations and gradients built from them take far more.
    /// </summary>
    public static void BatchMemory(string path, int count, int imageSize, int shots)
    {
        long need = (long)count * (3 + shots) * imageSize * imageSize * sizeof(float);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        That(need <= available / 4, path,
            $"{count} at ImageSize {imageSize} needs {Gib(need)} per batch, more than a quarter of the {Gib(available)} of memory available");
    }

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.##} GiB";

    // ArgumentException.Message appends " (Parameter 'name')"; the prefixed copy states the path itself.
    private static string Problem(ArgumentException e)
    {
        string suffix = $" (Parameter '{e.ParamName}')";
        return e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}
