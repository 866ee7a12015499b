using System.Text.Json;
using Seismic.Tests;

namespace Seismic.Diffusion.Tests.Schedule;

public class BridgeScheduleTests
{
    public static TheoryData<double> ScheduleCases()
    {
        var data = new TheoryData<double>();
        foreach (var c in Golden.Cases("schedule")) data.Add(c.GetProperty("beta_max").GetDouble());
        return data;
    }

    [Theory]
    [MemberData(nameof(ScheduleCases))]
    public void Schedule_matches_the_reference(double betaMax)
    {
        var c = Golden.Cases("schedule").Single(x => x.GetProperty("beta_max").GetDouble() == betaMax);
        var s = BridgeSchedule.Create(c.GetProperty("interval").GetInt32(), betaMax);
        var files = c.GetProperty("files");
        var series = new (string Key, IReadOnlyList<double> Values)[]
        {
            ("betas", s.Betas), ("std_fwd", s.StdFwd), ("std_bwd", s.StdBwd),
            ("mu_x0", s.MuX0), ("mu_x1", s.MuX1), ("std_sb", s.StdSb),
        };
        foreach (var (key, values) in series)
            Assertions.CloseRelative(Golden.ReadDoubles(files.GetProperty(key).GetString()!), values, 1e-12, key);
    }

    [Fact]
    public void Known_values_of_the_default_schedule()
    {
        var s = BridgeSchedule.Create(1000, 0.3);
        Assert.Equal(1000, s.Betas.Count);
        Assert.Equal(0.01, s.StdFwd[0], 12);
        Assert.Equal(0.3755360, s.StdBwd[0], 6);
        Assert.Equal(0.50066036, s.MuX0[499], 7);
        Assert.Equal(s.Betas[499], s.Betas[500]); // symmetric, peak at N/2 - 1
    }

    [Theory]
    [InlineData(999, 0.3)]
    [InlineData(0, 0.3)]
    [InlineData(1000, 0.0)]
    [InlineData(1000, -1.0)]
    [InlineData(1000, double.NaN)]
    public void Invalid_parameters_are_rejected(int interval, double betaMax)
    {
        var e = Assert.Throws<ArgumentException>(() => BridgeSchedule.Create(interval, betaMax));
        Assert.Contains(interval % 2 != 0 || interval < 2 ? "interval" : "beta_max", e.Message);
    }

    [Fact]
    public void Coefficients_cannot_be_modified_through_the_lists()
    {
        var s = BridgeSchedule.Create(10, 0.3);
        Assert.False(s.Betas is double[]);
        Assert.Throws<NotSupportedException>(() => ((IList<double>)s.StdFwd)[0] = 1);
    }

    public static TheoryData<int, int, int[]> GridCases()
    {
        var data = new TheoryData<int, int, int[]>();
        foreach (var g in Golden.Cases("step_grid").Single().GetProperty("grids").EnumerateArray())
            data.Add(g.GetProperty("interval").GetInt32(), g.GetProperty("nfe").GetInt32(),
                g.GetProperty("steps").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        return data;
    }

    [Theory]
    [MemberData(nameof(GridCases))]
    public void Step_grid_matches_the_reference(int interval, int nfe, int[] expected)
    {
        Assert.Equal(expected, BridgeSchedule.Create(interval, 0.3).StepGrid(nfe));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Step_grid_rejects_out_of_range_nfe(int nfe)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BridgeSchedule.Create(1000, 0.3).StepGrid(nfe));
        Assert.Contains("[1, 999]", e.Message);
    }

    [Fact]
    public void Noise_levels_match_the_reference()
    {
        var c = Golden.Cases("noise_levels").Single();
        var s = BridgeSchedule.Create(c.GetProperty("interval").GetInt32(), 0.3);
        var levels = s.NoiseLevels(c.GetProperty("t0").GetDouble(), c.GetProperty("T").GetDouble());
        var expected = Golden.ReadFloats(c.GetProperty("file").GetString()!);
        Assertions.CloseRelative(expected.Select(v => (double)v).ToArray(), levels.Select(v => (double)v).ToArray(), 1e-6, "noise_levels");
        Assert.Equal(0.1f, levels[0], 1e-6f);
        Assert.Equal(1000f, levels[^1]);
    }

    [Fact]
    public void Space_indices_use_repeated_addition_and_bankers_rounding()
    {
        Assert.Equal(new[] { 0, 2, 4 }, BridgeSchedule.SpaceIndices(5, 3));
        Assert.Equal(new[] { 0 }, BridgeSchedule.SpaceIndices(5, 1));
        Assert.Equal(new[] { 0, 2, 5 }, BridgeSchedule.SpaceIndices(6, 3)); // 2.5 rounds to 2, as Python's round does
        Assert.Equal(new[] { 0, 3, 6, 9, 12, 15 }, BridgeSchedule.SpaceIndices(16, 6));
    }
}
