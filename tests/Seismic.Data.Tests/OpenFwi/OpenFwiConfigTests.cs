using Seismic.Data.OpenFwi;

namespace Seismic.Data.Tests.OpenFwi;

public class OpenFwiConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("FlatVel_A", "flatvel-a", -26.95, 52.77)]
    [InlineData("flatvel-b", "flatvel-b", -27.17, 56.05)]
    [InlineData("CurveVel_A", "curvevel-a", -27.11, 55.10)]
    [InlineData("curvevel_b", "curvevel-b", -29.04, 57.03)]
    [InlineData("FlatFault_A", "flatfault-a", -26.10, 50.86)]
    [InlineData("FlatFault_B", "flatfault-b", -24.86, 50.28)]
    [InlineData("CurveFault_A", "curvefault-a", -26.48, 52.32)]
    [InlineData("CURVEFAULT-B", "curvefault-b", -24.93, 50.98)]
    [InlineData("Style_A", "style-a", -24.96, 48.93)]
    [InlineData("Style_B", "style-b", -23.76, 46.01)]
    public void Embedded_bounds_match_OpenFWIs_dataset_config(string name, string key, double min, double max)
    {
        var info = OpenFwiConfig.Default[name];
        Assert.Equal(key, info.Key);
        Assert.Equal(min, info.DataMin);
        Assert.Equal(max, info.DataMax);
        Assert.Equal(1500, info.LabelMin);
        Assert.Equal(4500, info.LabelMax);
        Assert.Equal((500, 120, 10.0, 1000, 0.001, 15.0, 70, 5, 70, 10.0, 10.0),
            (info.FileSize, info.Nbc, info.Dx, info.Nt, info.Dt, info.F, info.NGrid, info.Ns, info.Ng, info.Sz, info.Gz));
    }

    [Fact]
    public void Ten_datasets_are_embedded_and_unknown_names_list_them()
    {
        Assert.Equal(10, OpenFwiConfig.Default.Keys.Count);
        var e = Assert.Throws<ArgumentException>(() => OpenFwiConfig.Default["FlatVel_C"]);
        Assert.Equal("flatvel-c", OpenFwiDataset.ToKey("FlatVel_C"));
        Assert.Contains("flatvel-a", e.Message);
    }

    [Fact]
    public void User_json_overrides_fields_and_adds_datasets()
    {
        var path = Path.Combine(_dir, "dataset_config.json");
        File.WriteAllText(path, """
            {
              "flatvel-a": { "data_min": -30.0, "data_max": 60.0, "label_min": 1500, "label_max": 4500, "file_size": 500,
                             "nbc": 120, "dx": 10, "nt": 1000, "dt": 0.001, "f": 15, "n_grid": 70, "ns": 5, "ng": 70, "sz": 10, "gz": 10 },
              "My_Set": { "data_min": -1, "data_max": 2, "label_min": 1000, "label_max": 5000, "nt": 500, "ns": 3 }
            }
            """);
        var cfg = OpenFwiConfig.Load(path);
        Assert.Equal(-30.0, cfg["FlatVel_A"].DataMin);
        Assert.Equal(60.0, cfg["FlatVel_A"].DataMax);
        Assert.Equal(-24.86, cfg["flatfault-b"].DataMin); // untouched
        var mine = cfg["my-set"];
        Assert.Equal((1000.0, 5000.0, 500, 3, 70), (mine.LabelMin, mine.LabelMax, mine.Nt, mine.Ns, mine.Ng));
        Assert.Equal(-26.95, OpenFwiConfig.Default["flatvel-a"].DataMin); // the default is immutable
    }

    [Theory]
    [InlineData("""{ "x": { "data_min": 1 } }""", "'data_max' is missing")]
    [InlineData("""{ "flatvel-a": { "nt": "many" } }""", "'nt' must be a number")]
    [InlineData("""{ "flatvel-a": { "nt": 10.5 } }""", "'nt' must be an integer")]
    [InlineData("""{ "flatvel-a": { "data_min": 100 } }""", "data_max")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{ "flatvel-a": 3 }""", "must be a JSON object")]
    [InlineData("""{ not json""", "invalid JSON")]
    public void Bad_user_json_names_the_file_and_problem(string json, string problem)
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<FormatException>(() => OpenFwiConfig.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Missing_config_file_is_named()
    {
        var path = Path.Combine(_dir, "none.json");
        var e = Assert.Throws<FileNotFoundException>(() => OpenFwiConfig.Load(path));
        Assert.Contains(path, e.Message);
    }
}
