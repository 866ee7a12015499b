using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;
using Seismic.Models.Evaluation;

namespace Seismic.Training.Tests.Evaluation;

/// <summary>Ensembles whose members differ by their corruption draw (<see cref="EnsembleVariation"/>).</summary>
[Collection("torch")]
public sealed class EnsembleVariationTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 3);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Members_differ_by_their_corruption_draw_even_without_sampler_noise()
    {
        using var tiny = new TrainedTiny(_data);
        var (trainer, val) = (tiny.Trainer, tiny.Val);
        var options = new EvaluationOptions
        {
            Sampler = new() { Nfe = 3, Deterministic = true }, BatchSize = 6, Seed = 2, Corruption = CorruptionPreset.OpenFwiCustom,
        };
        var noise = new List<EnsembleBatch>();
        new EnsembleEvaluator(trainer.Model, options, members: 3).Evaluate(val, onBatch: noise.Add);
        Assert.All(noise.SelectMany(b => b.Std), s => Assert.Equal(0f, s)); // deterministic sampling, one x1: identical members

        var corruption = new List<EnsembleBatch>();
        var report = new EnsembleEvaluator(trainer.Model, options, members: 3, variation: EnsembleVariation.Corruption).Evaluate(val, onBatch: corruption.Add);
        Assert.Equal(3, report.Samples);
        Assert.True(corruption.SelectMany(b => b.Std).Max() > 0.01f, "corruption draws should spread the members");
        Assert.True(report.Ensemble!.MeanStdMetersPerSecond > 0);
        Assert.InRange(report.Ensemble.WithinTwoStd, 0, 1);
    }
}
