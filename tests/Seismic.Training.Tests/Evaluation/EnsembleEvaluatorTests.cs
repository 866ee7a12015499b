using Seismic.Physics.Misfit;
using Seismic.Models;
using System.Text.Json;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Sampling;
using Seismic.Models.Evaluation;
using TorchSharp;

namespace Seismic.Training.Tests.Evaluation;

[Collection("torch")]
public sealed class EnsembleEvaluatorTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 5);

    public void Dispose() => _data.Dispose();

    private Trainer TrainOnce()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 1 });
        var trainer = Trainer.CreateBuilder().Options(o with { Schedule = o.Schedule with { ValBatches = 0 } }).Build();
        trainer.Run();
        return trainer;
    }

    private SeismicDataset Val() =>
        SeismicDataset.Builder().FromDirectory(_data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();

    [Fact]
    public void One_member_reproduces_the_evaluators_predictions_exactly()
    {
        using var trainer = TrainOnce();
        using var val = Val();
        var options = new EvaluationOptions { Sampler = new() { Nfe = 4 }, BatchSize = 2, MaxSamples = 5, Seed = 3 };
        var plain = new List<float>();
        new Evaluator(trainer.Model, options).Evaluate(val, onBatch: b => plain.AddRange(b.Prediction));
        var members = new List<float>();
        var selected = new List<float>();
        var report = new EnsembleEvaluator(trainer.Model, options, members: 1).Evaluate(val, onBatch: b =>
        {
            members.AddRange(b.Ensemble);
            selected.AddRange(b.Prediction);
        });
        Assert.Equal(plain, members);
        Assert.Equal(plain, selected);
        Assert.Equal(0, report.Ensemble!.MeanStdMetersPerSecond);
        Assert.Null(report.Ensemble.StdErrorCorrelation);
    }

    [Fact]
    public void Misfit_selection_picks_each_inputs_lowest_misfit_member_and_batches_stay_bounded()
    {
        using var trainer = TrainOnce();
        using var val = Val();
        const int k = 3;
        var options = new EvaluationOptions { Sampler = new() { Nfe = 3 }, BatchSize = 4, MaxSamples = 2 };
        var evaluator = new EnsembleEvaluator(trainer.Model, options, k, EnsembleSelection.LowestMisfit);
        Assert.Equal(1, evaluator.InputsPerBatch);   // 4 rows per call hold one input of 3 members
        var batches = new List<EnsembleBatch>();
        var report = evaluator.Evaluate(val, new DatasetMisfit(val), onBatch: batches.Add);

        Assert.Equal(2, batches.Count);
        int n = 16 * 16;
        foreach (var b in batches)
        {
            Assert.Equal(k * n, b.Ensemble.Length);    // one input's members at a time, whatever N
            var misfit = b.Misfit!;
            int best = Array.IndexOf(misfit, misfit.Min());
            Assert.Equal(b.Ensemble.AsSpan(best * n, n).ToArray(), b.Prediction);
            Assert.True(b.Std.Max() > 0);
        }
        var e = report.Ensemble!;
        Assert.Equal(k, e.Members);
        Assert.Equal("misfit", e.Selection);
        Assert.Equal(report.Prediction, e.LowestMisfitMember);
        Assert.Equal(batches.Average(b => b.Misfit!.Min()), e.LowestMemberDataMisfit!.Value, 9);
        Assert.Equal(e.LowestMemberDataMisfit, report.DataMisfit);
        Assert.True(e.MemberDataMisfit >= e.LowestMemberDataMisfit);
        Assert.InRange(e.WithinOneStd, 0, 1);
        Assert.InRange(e.WithinTwoStd, e.WithinOneStd, 1);
        Assert.True(e.MeanStdMetersPerSecond > 0);
        Assert.NotNull(e.StdErrorCorrelation);

        using var json = JsonDocument.Parse(report.ToJson());
        var section = json.RootElement.GetProperty("ensemble");
        Assert.Equal(3, section.GetProperty("members").GetInt32());
        Assert.True(section.GetProperty("single_member").GetProperty("ssim").GetDouble() <= 1);
    }

    [Fact]
    public void Lowest_misfit_selection_needs_the_misfit()
    {
        using var model = BridgeModel.Create(_data.Options().Model, torch.CPU, _data.Options().Seed);
        using var val = Val();
        var lowest = new EnsembleEvaluator(model, new EvaluationOptions(), 4, EnsembleSelection.LowestMisfit);
        var e = Assert.Throws<ArgumentException>(() => lowest.Evaluate(val));
        Assert.Contains("needs a data misfit", e.Message);
        e = Assert.Throws<ArgumentException>(() => new EnsembleEvaluator(model, new EvaluationOptions(), 0));
        Assert.Contains("Members", e.Message);
    }

    [Fact]
    public void Shards_deal_out_whole_batches_like_the_plain_evaluator()
    {
        using var trainer = TrainOnce();
        using var val = Val();
        var seen = new List<int>();
        foreach (int shard in new[] { 0, 1 })
        {
            var options = new EvaluationOptions { Sampler = new() { Nfe = 2 }, BatchSize = 4, MaxSamples = 3, Shard = (shard, 2) };
            var report = new EnsembleEvaluator(trainer.Model, options, members: 2).Evaluate(val, onBatch: b => seen.AddRange(b.Indices));
            Assert.Equal(shard == 0 ? 2 : 1, report.Samples);
        }
        Assert.Equal([0, 1, 2], seen); // two inputs per batch (4 rows / 2 members): batch 0 = {0, 1} to shard 0, batch 1 = {2} to shard 1
    }
}
