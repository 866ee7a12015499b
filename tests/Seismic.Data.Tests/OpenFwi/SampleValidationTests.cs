using Seismic.Data.Cache;
using Seismic.Data.Loading;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;

namespace Seismic.Data.Tests.OpenFwi;

/// <summary>Bad values are rejected when the cache is built, naming file, sample and first bad position (issue 10, problems 1 and 3).</summary>
public class SampleValidationTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    private SeismicDatasetBuilder Builder() => SeismicDataset.Builder()
        .FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).Split(DatasetSplit.Train).ImageSize(16);

    /// <summary>Writes two files of 3 samples and sets one value of file 2, sample 1 (data or model).</summary>
    private string WriteWithBadValue(bool velocity, int position, float value)
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3, 3]);
        var path = Path.Combine(_data.SplitDir("train"), velocity ? "model" : "data", velocity ? "model2.npy" : "data2.npy");
        var array = NpyFile.ReadAllFloat32(path, out var shape);
        int perSample = array.Length / 3;
        array[perSample + position] = value;
        NpyWriter.Write(path, array, shape);
        return path;
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_seismic_values_are_rejected_with_file_sample_and_position(float value)
    {
        // Tiny: 5 shots x 40 time samples x 12 receivers; position 2*480 + 7*12 + 5 = shot 2, time 7, receiver 5.
        var path = WriteWithBadValue(velocity: false, 2 * 480 + 7 * 12 + 5, value);
        var e = Assert.Throws<InvalidSampleException>(() => Builder().Build());
        Assert.Equal(path, e.FilePath);
        Assert.Equal(1, e.SampleInFile);
        Assert.Contains($"{path}: sample 1 holds {value} at (shot 2, time 7, receiver 5)", e.Message);
        Assert.Empty(Directory.GetDirectories(_data.SplitDir("train"), ".cache*")); // no temporary folder left behind
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(0f)]
    [InlineData(-1500f)]
    [InlineData(1e-40f)]
    [InlineData(1e30f)]
    public void Non_finite_or_absurd_velocities_are_rejected_with_file_sample_and_cell(float value)
    {
        var path = WriteWithBadValue(velocity: true, 3 * 10 + 4, value); // n_grid 10: z 3, x 4
        var e = Assert.Throws<InvalidSampleException>(() => Builder().Build());
        Assert.Contains($"{path}: sample 1 holds velocity {value} m/s at (z 3, x 4)", e.Message);
        Assert.Empty(Directory.GetDirectories(_data.SplitDir("train"), ".cache*"));
    }

    [Fact]
    public void Plausible_extremes_are_accepted()
    {
        Assert.Equal(-1, SampleValidation.FirstImplausibleVelocity([SampleValidation.MinVelocity, 1500f, 4500f, SampleValidation.MaxVelocity]));
        Assert.Equal(1, SampleValidation.FirstImplausibleVelocity([1500f, float.NaN]));
    }

    [Fact]
    public void Reading_without_a_cache_checks_too()
    {
        WriteWithBadValue(velocity: false, 0, float.NaN);
        using var direct = Builder().UseCache(false).Build();
        var v = new float[direct.VelocityLength];
        var s = new float[direct.SeismicLength];
        direct.ReadSample(0, v, s);
        Assert.Throws<InvalidSampleException>(() => direct.ReadSample(4, v, s));
    }

    [Fact]
    public void The_log_transform_keeps_nan_instead_of_throwing()
    {
        Assert.True(double.IsNaN(Seismic.Data.Transforms.OpenFwiNormalization.LogTransform(double.NaN)));
        Assert.Equal(Math.Log(3), Seismic.Data.Transforms.OpenFwiNormalization.LogTransform(2));
        Assert.Equal(-Math.Log(3), Seismic.Data.Transforms.OpenFwiNormalization.LogTransform(-2));
        Assert.Equal(0, Seismic.Data.Transforms.OpenFwiNormalization.LogTransform(0));
    }

    [Fact]
    public void An_image_size_that_would_overflow_is_rejected_with_the_memory_it_needs()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [2]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Builder().ImageSize(100_000).Build());
        Assert.Contains("at most 4096", e.Message);
        Assert.Contains("223.5 GiB", e.Message);
        Assert.Empty(Directory.GetDirectories(_data.SplitDir("train"), ".cache*"));
    }
}
