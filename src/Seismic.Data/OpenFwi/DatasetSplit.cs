namespace Seismic.Data.OpenFwi;

/// <summary>Which part of an OpenFWI dataset folder to read: <c>DIR/train</c> or <c>DIR/val</c>.</summary>
public enum DatasetSplit
{
    /// <summary>The training split, folder <c>train</c>.</summary>
    Train,
    /// <summary>The validation split, folder <c>val</c>.</summary>
    Val,
}

/// <summary>Helpers for <see cref="DatasetSplit"/>.</summary>
public static class DatasetSplits
{
    /// <summary>The split's folder name: <c>train</c> or <c>val</c>.</summary>
    public static string FolderName(this DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Val => "val",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "split must be Train or Val"),
    };

    /// <summary>Parses <c>train</c>, <c>val</c> or <c>valid</c>/<c>validation</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static DatasetSplit Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "train" => DatasetSplit.Train,
        "val" or "valid" or "validation" => DatasetSplit.Val,
        _ => throw new ArgumentException($"unknown split '{text}' (expected train or val)"),
    };
}
