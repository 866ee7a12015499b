using Seismic.Models.Evaluation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Training.Logging;

/// <summary>
/// Writes TensorBoard event files (<c>events.out.tfevents.*</c>) with scalars and images, a thin layer over
/// TorchSharp's <c>torch.utils.tensorboard.SummaryWriter</c>. Each call appends one event and flushes it, so the
/// file can be read while training runs (<c>tensorboard --logdir DIR</c>). Safe to call from several threads.
/// </summary>
internal sealed class TensorBoardLog
{
    private readonly SummaryWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Opens a new event file in <paramref name="logDirectory"/> (created when missing).</summary>
    /// <param name="logDirectory">The run's folder, e.g. <c>results/NAME/tensorboard</c>.</param>
    /// <exception cref="ArgumentException">The folder name is empty.</exception>
    /// <exception cref="IOException">The folder or file cannot be created.</exception>
    public TensorBoardLog(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        LogDirectory = Path.GetFullPath(logDirectory);
        Directory.CreateDirectory(LogDirectory);
        _writer = torch.utils.tensorboard.SummaryWriter(LogDirectory);
    }

    /// <summary>The folder holding the event file.</summary>
    public string LogDirectory { get; }

    /// <summary>Logs one scalar, e.g. <c>Scalar("train/loss", loss, iteration)</c>.</summary>
    /// <param name="tag">Series name; '/' groups series in TensorBoard.</param>
    /// <param name="value">The value (stored as float32, TensorBoard's scalar type).</param>
    /// <param name="step">Training iteration, 0 or more.</param>
    /// <exception cref="ArgumentException">The tag is empty or the step is negative.</exception>
    public void Scalar(string tag, double value, int step)
    {
        Check(tag, step);
        lock (_gate) _writer.add_scalar(tag, (float)value, step, Now());
    }

    /// <summary>
    /// Logs MAE, MSE, RMSE, SSIM (normalised) and MAE in m/s as <c>{prefix}/mae</c>, <c>{prefix}/mse</c>,
    /// <c>{prefix}/rmse</c>, <c>{prefix}/ssim</c> and <c>{prefix}/mae_mps</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix is empty or the step is negative.</exception>
    public void Metrics(string prefix, MetricValues metrics, int step)
    {
        Check(prefix, step);
        Scalar($"{prefix}/mae", metrics.Mae, step);
        Scalar($"{prefix}/mse", metrics.Mse, step);
        Scalar($"{prefix}/rmse", metrics.Rmse, step);
        Scalar($"{prefix}/ssim", metrics.Ssim, step);
        Scalar($"{prefix}/mae_mps", metrics.MaeMetersPerSecond, step);
    }

    /// <summary>
    /// Logs a (H, W) map as a greyscale image, scaled so <paramref name="min"/> is black and <paramref name="max"/>
    /// white (values outside are clipped). Row 0 is the top of the image (depth or time downward).
    /// </summary>
    /// <param name="tag">Image series name, e.g. <c>val/prediction/0</c>.</param>
    /// <param name="map">Row-major values, <paramref name="height"/> x <paramref name="width"/>.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="step">Training iteration.</param>
    /// <param name="min">Value drawn black; the default is the map's minimum (normalised velocity: pass -1).</param>
    /// <param name="max">Value drawn white; the default is the map's maximum (normalised velocity: pass 1).</param>
    /// <exception cref="ArgumentException">Sizes do not match, the tag is empty, or the step is negative.</exception>
    public void Image(string tag, ReadOnlySpan<float> map, int height, int width, int step, double? min = null, double? max = null)
    {
        if (height < 1 || width < 1 || map.Length != (long)height * width)
            throw new ArgumentException($"A {height} x {width} image needs {(long)height * width} values; got {map.Length}.", nameof(map));
        using var scope = NewDisposeScope();
        Image(tag, tensor(map.ToArray(), [height, width]), step, min, max);
    }

    /// <summary>Logs a map tensor of shape (H, W) or (1, H, W) (any device and float dtype) as a greyscale image;
    /// see <see cref="Image(string, ReadOnlySpan{float}, int, int, int, double?, double?)"/>.</summary>
    /// <exception cref="ArgumentException">The shape is not (H, W) or (1, H, W), the tag is empty, or the step is negative.</exception>
    public void Image(string tag, Tensor map, int step, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        Check(tag, step);
        if (!(map.dim() == 2 || (map.dim() == 3 && map.shape[0] == 1)) || map.numel() == 0)
            throw new ArgumentException($"An image map must be (H, W) or (1, H, W); got ({string.Join(", ", map.shape)}).", nameof(map));
        using var scope = NewDisposeScope();
        var m = map.detach().to(float32).cpu().reshape(map.shape[^2], map.shape[^1]);
        double lo = min ?? m.min().item<float>();
        double hi = max ?? m.max().item<float>();
        if (!(hi > lo)) hi = lo + 1; // a constant map becomes black rather than NaN
        var unit = ((m - lo) / (hi - lo)).nan_to_num(0).clamp(0, 1).unsqueeze(0);
        lock (_gate) _writer.add_img(tag, unit, step, Now(), "CHW");
    }

    /// <summary>Logs an image file (PNG or JPEG), e.g. a figure written by Seismic.Plotting.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The tag is empty or the step is negative.</exception>
    public void ImageFile(string tag, string path, int step)
    {
        Check(tag, step);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: image file not found.", path);
        lock (_gate) _writer.add_img(tag, path, step, Now());
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static void Check(string tag, int step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        if (step < 0) throw new ArgumentException($"step must be 0 or more; got {step}.", nameof(step));
    }
}
