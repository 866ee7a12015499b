namespace Seismic.Data.Tests;

// src/Shared/Check.cs, the validation helper every library compiles in; tested once, here.
public class CheckTests
{
    [Fact]
    public void A_failed_check_names_the_path_in_ParamName_and_first_in_the_message()
    {
        Check.That(true, "ImageSize", "is never reported");
        var e = Assert.Throws<ArgumentException>(() => Check.That(false, "ImageSize", "must be a positive multiple of 8, got 12"));
        Assert.Equal("ImageSize", e.ParamName);
        Assert.Equal("ImageSize must be a positive multiple of 8, got 12 (Parameter 'ImageSize')", e.Message);
    }

    [Fact]
    public void A_nested_failure_is_reported_under_the_full_path_with_the_original_inside()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Check.Nested("Model", () => Check.Nested("Network", () => Check.That(false, "GroupNormGroups", "must be >= 1, got 0"))));
        Assert.Equal("Model.Network.GroupNormGroups", e.ParamName);
        Assert.Equal("Model.Network.GroupNormGroups must be >= 1, got 0 (Parameter 'Model.Network.GroupNormGroups')", e.Message);
        var inner = Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Equal("Network.GroupNormGroups", inner.ParamName);
        Assert.Equal("GroupNormGroups", Assert.IsType<ArgumentException>(inner.InnerException).ParamName);
    }

    [Fact]
    public void Nested_passes_other_exceptions_and_success_through()
    {
        Check.Nested("Model", () => { });
        Assert.Throws<InvalidOperationException>(() => Check.Nested("Model", () => throw new InvalidOperationException()));
        // Without a ParamName there is no path to prefix: the exception is left as it is.
        var bare = new ArgumentException("no path");
        Assert.Same(bare, Assert.Throws<ArgumentException>(() => Check.Nested("Model", () => throw bare)));
    }

    [Fact]
    public void Set_returns_a_present_part_and_names_a_missing_one()
    {
        Assert.Equal("x", Check.Set("x", "Name"));
        var e = Assert.Throws<ArgumentException>(() => Check.Set<string>(null, "Data"));
        Assert.Equal("Data", e.ParamName);
        Assert.StartsWith("Data must be set", e.Message);
    }

    [Fact]
    public void The_memory_rule_names_the_batch_setting_with_the_memory_needed_and_available()
    {
        Check.BatchMemory("BatchSize", 16, 64, 5); // 2 MiB
        var e = Assert.Throws<ArgumentException>(() => Check.BatchMemory("Optimization.Microbatch", 1 << 30, 256, 5));
        Assert.Equal("Optimization.Microbatch", e.ParamName);
        // 2^30 samples x 8 maps x 256^2 x 4 bytes = 2^51 bytes
        Assert.Matches(@"^Optimization\.Microbatch 1073741824 at ImageSize 256 needs 2097152 GiB per batch, more than a quarter of the [\d.]+ GiB of memory available", e.Message);
    }

    [Fact]
    public void Data_records_report_paths_relative_to_themselves()
    {
        var e = Assert.Throws<ArgumentException>(() => (Seismic.Data.OpenFwi.OpenFwiDataset.FlatVelA with { Ns = 0 }).Validate());
        Assert.Equal("Ns", e.ParamName);
        Assert.StartsWith("Ns (ns) must be positive, got 0", e.Message);
        Assert.Equal("ReaderThreads", Assert.Throws<ArgumentException>(() => new Seismic.Data.Loading.BatchLoaderOptions { ReaderThreads = 0 }.Validate()).ParamName);
    }
}
