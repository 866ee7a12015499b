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
        using var trainer = Trainer.CreateBuilder().Options(o with { Schedule = o.Schedule with { ValBatches = 0 } }).Build();
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

    /// <summary>Hands the start back unchanged and records what it was given.</summary>
    private sealed class IdentityRefiner(int length) : IModelRefiner
    {
        public List<(int Index, bool HasStd)> Calls { get; } = [];
        public int ModelLength => length;

        public void Refine(int index, ReadOnlySpan<float> normalisedStart, Span<float> refined, ReadOnlySpan<float> normalisedStd)
        {
            Calls.Add((index, !normalisedStd.IsEmpty));
            normalisedStart.CopyTo(refined);
        }
    }

    [Theory]
    [InlineData(RefinementStart.Prediction)]
    [InlineData(RefinementStart.Input)]
    public void A_refiner_gets_every_sample_and_its_result_is_measured_beside_the_start(RefinementStart from)
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        using var val = SeismicDataset.Builder().FromDirectory(_data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();
        var refiner = new IdentityRefiner(70 * 70);
        var batches = new List<PredictionBatch>();
        var progress = new List<int>();
        var options = new EvaluationOptions { Sampler = new() { Nfe = 1 }, BatchSize = 2, MaxSamples = 3, RefineFrom = from };
        var report = new Evaluator(model, options).Evaluate(val, new DatasetMisfit(val), new SyncProgress(p => progress.Add(p.Done)), batches.Add, refiner);

        Assert.Equal([(0, false), (1, false), (2, false)], refiner.Calls);
        Assert.Equal([1, 2, 2, 3, 3], progress); // after every refined sample, and after every batch
        var start = from == RefinementStart.Prediction ? report.PredictionNative : report.InputNative;
        Assert.Equal(start.Mae, report.RefinedNative!.Mae, 6);
        Assert.Equal(start.Ssim, report.RefinedNative.Ssim, 6);
        Assert.Equal(start.DataMisfit!.Value, report.RefinedNative.DataMisfit!.Value, 6);
        Assert.NotNull(report.Refined);
        Assert.Equal(from == RefinementStart.Prediction ? "prediction" : "x1", report.RefinedFrom);
        Assert.All(batches, b => Assert.Equal(b.Indices.Length * 70 * 70, b.RefinedNative!.Length));

        using var json = JsonDocument.Parse(report.ToJson());
        foreach (var block in new[] { "prediction", "refined", "refined_native" })
            Assert.True(json.RootElement.GetProperty(block).GetProperty("data_misfit").GetDouble() > 0, block);
    }

    [Fact]
    public void A_refiner_of_another_grid_is_refused_before_sampling()
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        using var val = SeismicDataset.Builder().FromDirectory(_data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();
        var e = Assert.Throws<ArgumentException>(() => new Evaluator(model).Evaluate(val, refiner: new IdentityRefiner(64 * 64)));
        Assert.Contains("NativeSize", e.Message);
    }

    [Fact]
    public void The_ensemble_evaluator_hands_the_ensemble_std_to_the_refiner()
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        using var val = SeismicDataset.Builder().FromDirectory(_data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();
        var refiner = new IdentityRefiner(70 * 70);
        var report = new EnsembleEvaluator(model, new EvaluationOptions { Sampler = new() { Nfe = 2 }, BatchSize = 4, MaxSamples = 2 }, members: 2)
            .Evaluate(val, refiner: refiner);
        Assert.Equal([(0, true), (1, true)], refiner.Calls);
        Assert.Equal(report.PredictionNative.Mae, report.RefinedNative!.Mae, 6);
    }

    private sealed class SyncProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }

    [Fact]
    public void Nfe_outside_the_interval_is_rejected()
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        var e = Assert.Throws<ArgumentException>(() => new Evaluator(model, new EvaluationOptions { Sampler = new() { Nfe = 100 } }));
        Assert.Contains("[1, 99]", e.Message);
        Assert.Equal("Sampler.Nfe", e.ParamName);
    }

    [Fact]
    public void A_batch_beyond_memory_is_refused_when_the_evaluator_is_built_by_the_same_guard_as_training()
    {
        var o = _data.Options();
        using var model = BridgeModel.Create(o.Model, TorchSharp.torch.CPU, o.Seed);
        var e = Assert.Throws<ArgumentException>(() => new Evaluator(model, new EvaluationOptions { BatchSize = 1 << 30 }));
        Assert.Equal("BatchSize", e.ParamName);
        Assert.Matches($@"^BatchSize 1073741824 at ImageSize {o.Model.ImageSize} needs [\d.]+ GiB per batch, more than a quarter of the [\d.]+ GiB of memory available", e.Message);
    }
}
