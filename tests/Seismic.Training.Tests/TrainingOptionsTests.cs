using Seismic.Models;
namespace Seismic.Training.Tests;

public class TrainingOptionsTests
{
    [Fact]
    public void Defaults_are_the_references()
    {
        var o = new TrainingOptions();
        Assert.Equal(256, o.Optimization.BatchSize);
        Assert.Equal(2, o.Optimization.Microbatch);
        Assert.Equal(5e-5, o.Optimization.LearningRate);
        Assert.Equal(0.99, o.Optimization.LrGamma);
        Assert.Equal(1000, o.Optimization.LrStep);
        Assert.Equal(0.99, o.Optimization.EmaDecay);
        Assert.Equal(0.25, o.Optimization.DropCond);
        Assert.Equal(1000, o.Model.Bridge.Interval);
        Assert.Equal(0.3, o.Model.Bridge.BetaMax);
        Assert.Equal(1e-4, o.Model.Bridge.T0);
        Assert.Equal(1.0, o.Model.Bridge.T);
        Assert.Equal(256, o.Model.ImageSize);
        Assert.Equal("blur-openfwi_custom", o.Model.Corruption.Name);
        Assert.Equal(100, o.Schedule.ValBatches); // --val-batches, as in the reference
        Assert.Equal("unet_ch32", o.Model.NetworkName);
        Assert.Equal("flatvel-a", o.Model.Dataset.Key);
        Assert.Equal(0, o.Optimization.WeightDecay);
        Assert.Null(o.Optimization.ClipGradNorm);
    }

    [Theory]
    [InlineData("Optimization.Microbatch", "Optimization.Microbatch must divide BatchSize")]
    [InlineData("Model.ImageSize", "Model.ImageSize must be")]
    [InlineData("Model.Bridge.Interval", "Model.Bridge.Interval must be")]
    [InlineData("Optimization.DropCond", "Optimization.DropCond must be")]
    [InlineData("Model.Network.GroupNormGroups", "Model.Network.GroupNormGroups")]
    [InlineData("Model.Network.ChannelMult", "Model.Network.ChannelMult must hold")]
    [InlineData("Model.Dataset.Ns", "Model.Dataset.Ns (ns) must be positive")]
    [InlineData("Schedule.LogEvery", "Schedule.LogEvery must be positive")]
    [InlineData("Data.DatasetDir", "Data.DatasetDir is required")]
    [InlineData("Name", "Name must be a valid folder name")]
    public void Invalid_options_name_themselves_by_the_path_the_user_set(string path, string expected)
    {
        var o = new TrainingOptions { Data = new DataOptions { DatasetDir = "d" } };
        o = path switch
        {
            "Optimization.Microbatch" => o.Optimization(x => x with { Microbatch = 3 }),
            "Model.ImageSize" => o.Spec(x => x with { ImageSize = 60 }),
            "Model.Bridge.Interval" => o.Bridge(x => x with { Interval = 999 }),
            "Optimization.DropCond" => o.Optimization(x => x with { DropCond = 1.5 }),
            "Model.Network.ChannelMult" => o.Spec(x => x with { Network = x.Network with { ChannelMult = [] } }),
            "Model.Dataset.Ns" => o.Spec(x => x with { Dataset = x.Dataset with { Ns = 0 } }),
            "Schedule.LogEvery" => o with { Schedule = o.Schedule with { LogEvery = 0 } },
            "Data.DatasetDir" => o with { Data = new DataOptions() },
            "Name" => o with { Name = ".." },
            _ => o.Spec(x => x with { Network = x.Network with { GroupNormGroups = 7 } }),
        };
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.StartsWith(expected, e.Message); // the library names its settings by path; the CLI maps ParamName to a flag
        Assert.Equal(path, e.ParamName);
        Assert.IsType<ArgumentException>(e.InnerException ?? e); // nested failures keep the record's own exception inside
    }

    [Fact]
    public void A_missing_part_is_named_by_its_path()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions { Data = new DataOptions { DatasetDir = "d" }, Optimization = null! }.Validate());
        Assert.Equal("Optimization", e.ParamName);
        Assert.StartsWith("Optimization must be set", e.Message);
    }

    [Fact]
    public void Batch_sizes_beyond_memory_are_refused_before_work_starts_naming_need_and_available()
    {
        var o = new TrainingOptions { Data = new DataOptions { DatasetDir = "d" } };
        var big = o.Optimization(x => x with { BatchSize = 1 << 30, Microbatch = 1 << 30 });
        var e = Assert.Throws<ArgumentException>(big.Validate);
        Assert.Equal("Optimization.Microbatch", e.ParamName);
        Assert.Matches(@"^Optimization\.Microbatch 1073741824 at ImageSize 256 needs [\d.]+ GiB per batch, more than a quarter of the [\d.]+ GiB of memory available", e.Message);
        var val = o with { Schedule = o.Schedule with { ValBatchSize = 1 << 30 } };
        Assert.Equal("Schedule.ValBatchSize", Assert.Throws<ArgumentException>(val.Validate).ParamName);
    }

    [Fact]
    public void Options_are_immutable_records_compared_by_value()
    {
        var a = new TrainingOptions();
        var b = a with { Optimization = a.Optimization with { NumIterations = 5 } };
        Assert.Equal(1_000_000, a.Optimization.NumIterations); // the original is untouched
        Assert.Equal(5, b.Optimization.NumIterations);
        Assert.NotEqual(a, b);
        Assert.Equal(a, b with { Optimization = new OptimizationOptions() });
    }

    [Fact]
    public void Options_round_trip_through_json_with_typed_presets_and_seed()
    {
        var o = new TrainingOptions { Seed = 12345678901UL, Model = new ModelSpec { Corruption = Seismic.Diffusion.Corruption.CorruptionPreset.OpenFwiBenchmarkC } };
        var json = System.Text.Json.JsonSerializer.Serialize(o);
        Assert.Contains("\"blur-openfwi_benchmark_C\"", json);
        Assert.Contains("12345678901", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(json)!;
        Assert.Equal(o.Seed, back.Seed);
        Assert.Same(o.Model.Corruption, back.Model.Corruption);
        Assert.Equal(o.Model.Network, back.Model.Network);
        Assert.Equal(o.Model.Bridge, back.Model.Bridge);
    }
}
