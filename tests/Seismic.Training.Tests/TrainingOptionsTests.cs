namespace Seismic.Training.Tests;

public class TrainingOptionsTests
{
    [Fact]
    public void Defaults_are_the_references()
    {
        var o = new TrainingOptions();
        Assert.Equal(256, o.BatchSize);
        Assert.Equal(2, o.Microbatch);
        Assert.Equal(5e-5, o.LearningRate);
        Assert.Equal(0.99, o.LrGamma);
        Assert.Equal(1000, o.LrStep);
        Assert.Equal(0.99, o.EmaDecay);
        Assert.Equal(0.25, o.DropCond);
        Assert.Equal(1000, o.Interval);
        Assert.Equal(0.3, o.BetaMax);
        Assert.Equal(1e-4, o.T0);
        Assert.Equal(1.0, o.T);
        Assert.Equal(256, o.ImageSize);
        Assert.Equal("blur-openfwi_custom", o.Corrupt);
        Assert.Equal(0, o.WeightDecay);
        Assert.Null(o.ClipGradNorm);
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.Microbatch), "Microbatch must divide BatchSize")]
    [InlineData(nameof(TrainingOptions.ImageSize), "ImageSize must be")]
    [InlineData(nameof(TrainingOptions.Interval), "Interval must be")]
    [InlineData(nameof(TrainingOptions.DropCond), "DropCond must be")]
    public void Invalid_options_name_themselves(string property, string expected)
    {
        var o = new TrainingOptions { DatasetDir = "d" };
        switch (property)
        {
            case nameof(TrainingOptions.Microbatch): o.Microbatch = 3; break;
            case nameof(TrainingOptions.ImageSize): o.ImageSize = 60; break;
            case nameof(TrainingOptions.Interval): o.Interval = 999; break;
            case nameof(TrainingOptions.DropCond): o.DropCond = 1.5; break;
        }
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Dataset_dir_is_required()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions().Validate());
        Assert.Contains("DatasetDir", e.Message); // the library names its options; the CLI maps them to flags
    }
}
