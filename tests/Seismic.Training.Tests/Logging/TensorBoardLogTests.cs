using Seismic.Models.Evaluation;
using Seismic.Training.Logging;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Logging;

[Collection("torch")]
public sealed class TensorBoardLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tblog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Reads the TFRecord framing (u64 length, u32 crc, payload, u32 crc) and parses each Event.</summary>
    private static List<Tensorboard.Event> ReadEvents(string file)
    {
        var events = new List<Tensorboard.Event>();
        using var reader = new BinaryReader(File.OpenRead(file));
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            long length = reader.ReadInt64();
            reader.ReadUInt32();
            events.Add(Tensorboard.Event.Parser.ParseFrom(reader.ReadBytes((int)length)));
            reader.ReadUInt32();
        }
        return events;
    }

    private string EventFile() => Assert.Single(Directory.GetFiles(_dir, "events.out.tfevents.*"));

    [Fact]
    public void Scalars_and_metrics_land_in_a_readable_event_file()
    {
        var log = new TensorBoardLog(_dir);
        log.Scalar("train/loss", 0.25, step: 7);
        log.Metrics("val", new MetricValues(0.1, 0.04, 0.9), step: 10);

        var events = ReadEvents(EventFile());
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).Select(e => (e.Step, e.Summary.Value[0].Tag, e.Summary.Value[0].SimpleValue)).ToList();
        Assert.Equal((7L, "train/loss", 0.25f), scalars[0]);
        Assert.Equal(["val/mae", "val/mse", "val/rmse", "val/ssim", "val/mae_mps"], scalars.Skip(1).Select(s => s.Tag));
        Assert.Equal(150f, scalars[^1].SimpleValue, 3);
        Assert.True(events[1].WallTime > 1.6e9, $"wall time {events[1].WallTime} should be Unix seconds");
    }

    [Fact]
    public void Images_are_stored_as_png_of_the_map_size()
    {
        var log = new TensorBoardLog(_dir);
        var map = new float[6 * 4];
        for (int i = 0; i < map.Length; i++) map[i] = i < 12 ? -1f : 1f; // top half black, bottom half white
        log.Image("val/prediction", map, 6, 4, step: 3, min: -1, max: 1);
        using (var t = zeros(1, 5, 7)) log.Image("val/truth", t, step: 3);

        var images = ReadEvents(EventFile()).Skip(1).Select(e => e.Summary.Value[0]).ToList();
        Assert.Equal(["val/prediction", "val/truth"], images.Select(v => v.Tag));
        Assert.Equal((6, 4), (images[0].Image.Height, images[0].Image.Width));
        Assert.Equal((5, 7), (images[1].Image.Height, images[1].Image.Width));

        using var bitmap = SkiaSharp.SKBitmap.Decode(images[0].Image.EncodedImageString.ToByteArray());
        Assert.True(bitmap.GetPixel(1, 0).Red < 10, "row 0 (value -1) should be black");
        Assert.True(bitmap.GetPixel(1, 5).Red > 245, "row 5 (value 1) should be white");
    }

    [Fact]
    public void Image_files_are_embedded_as_they_are()
    {
        // A 3 x 2 PNG made with SkiaSharp (which TorchSharp brings).
        var png = Path.Combine(_dir, "figure.png");
        using (var bitmap = new SkiaSharp.SKBitmap(3, 2))
        using (var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(png, data.ToArray());

        var log = new TensorBoardLog(_dir);
        log.ImageFile("val/figure", png, step: 1);
        var image = ReadEvents(EventFile()).Skip(1).Single().Summary.Value[0];
        Assert.Equal("val/figure", image.Tag);
        Assert.Equal((2, 3), (image.Image.Height, image.Image.Width));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var log = new TensorBoardLog(_dir);
        Assert.Throws<ArgumentException>(() => log.Scalar("", 1, 0));
        Assert.Throws<ArgumentException>(() => log.Scalar("x", 1, -1));
        Assert.Throws<ArgumentException>(() => log.Image("x", new float[5], 2, 3, 0));
        using var batch = zeros(2, 4, 4);
        Assert.Throws<ArgumentException>(() => log.Image("x", batch, 0));
        Assert.Throws<FileNotFoundException>(() => log.ImageFile("x", Path.Combine(_dir, "missing.png"), 0));
    }
}
