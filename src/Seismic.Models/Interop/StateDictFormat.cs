namespace Seismic.Models;

/// <summary>The on-disk format of a state-dict file, as detected from its first bytes.</summary>
public enum StateDictFormat
{
    /// <summary>Not a format this library reads.</summary>
    Unknown,

    /// <summary>PyTorch's zip format (<c>torch.save</c> since PyTorch 1.6); readable.</summary>
    PyTorchZip,

    /// <summary>PyTorch's legacy pickle format (before 1.6, or <c>_use_new_zipfile_serialization=False</c>); not readable.</summary>
    PyTorchLegacy,

    /// <summary>The safetensors format; readable and writable.</summary>
    Safetensors,
}
