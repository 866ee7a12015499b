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
    [InlineData("ModelSpec.ImageSize", "ModelSpec.ImageSize must be")]
    [InlineData("BridgeOptions.Interval", "BridgeOptions.Interval must be")]
    [InlineData("Optimization.DropCond", "Optimization.DropCond must be")]
    [InlineData("AdmUNetOptions.GroupNormGroups", "AdmUNetOptions.GroupNormGroups")]
    public void Invalid_options_name_themselves_by_path(string name, string expected)
    {
        var o = new TrainingOptions { Data = new DataOptions { DatasetDir = "d" } };
        o = name switch
        {
            "Optimization.Microbatch" => o.Optimization(x => x with { Microbatch = 3 }),
            "ModelSpec.ImageSize" => o.Spec(x => x with { ImageSize = 60 }),
            "BridgeOptions.Interval" => o.Bridge(x => x with { Interval = 999 }),
            "Optimization.DropCond" => o.Optimization(x => x with { DropCond = 1.5 }),
            _ => o.Spec(x => x with { Network = x.Network with { GroupNormGroups = 7 } }),
        };
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Dataset_dir_is_required()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions().Validate());
        Assert.Contains("Data.DatasetDir", e.Message); // the library names its options; the CLI maps them to flags
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
