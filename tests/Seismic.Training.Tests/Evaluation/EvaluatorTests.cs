using Seismic.Physics.Misfit;
using Seismic.Models;
using System.Text.Json;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Models.Evaluation;

namespace Seismic.Training.Tests.Evaluation;

[Collection("torch")]
public sealed class EvaluatorTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 5);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Evaluates_a_split_at_both_resolutions_with_misfit_and_writes_a_json_report()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 1 });
        using var trainer = Trainer.CreateBuilder().Options(o).WithoutValidation().Build();
        trainer.Run();
        using var val = SeismicDataset.Builder().FromDirectory(_data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();
        var batches = new List<PredictionBatch>();
        var report = new Evaluator(trainer.Model, new EvaluationOptions { Sampler = new() { Nfe = 1, LogCount = 1 }, BatchSize = 2, MaxSamples = 3 })
            .Evaluate(val, new DatasetMisfit(val), onBatch: batches.Add);

        Assert.Equal(3, report.Samples);
        Assert.Equal([0, 1, 2], batches.SelectMany(b => b.Indices));
        Assert.NotNull(batches[0].Trajectory);
        Assert.Null(batches[1].Trajectory);
        Assert.Equal(report.Input.Mae * 1500, report.Input.MaeMetersPerSecond, 9);
        Assert.True(report.InputNative.Mae > 0);
        Assert.True(report.DataMisfit is > 0 && double.IsFinite(report.DataMisfit.Value));
        Assert.True(report.InputDataMisfit is > 0);

        var path = Path.Combine(_data.Directory, "report.json");
        report.Save(path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(3, json.RootElement.GetProperty("samples").GetInt32());
        Assert.True(json.RootElement.GetProperty("prediction_native").GetProperty("ssim").GetDouble() <= 1);
    }

    [Fact]
    public void Nfe_outside_the_interval_is_rejected()
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        var e = Assert.Throws<ArgumentException>(() => new Evaluator(model, new EvaluationOptions { Sampler = new() { Nfe = 100 } }));
        Assert.Contains("[1, 99]", e.Message);
    }
}
