using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;

namespace Seismic.Training.Tests.Evaluation;

/// <summary>A model trained for one iteration on a <see cref="TinyOpenFwi"/> set, and that set's validation split at 16 px.</summary>
internal sealed class TrainedTiny : IDisposable
{
    public TrainedTiny(TinyOpenFwi data)
    {
        Trainer = Trainer.CreateBuilder().Options(data.Options().Optimization(x => x with { NumIterations = 1 }).Schedule(x => x with { ValBatches = 0 })).Build();
        Trainer.Run();
        Val = SeismicDataset.Builder().FromDirectory(data.Directory).Dataset("FlatVel_A").Split(DatasetSplit.Val).ImageSize(16).Build();
    }

    public Trainer Trainer { get; }

    public SeismicDataset Val { get; }

    public void Dispose()
    {
        Val.Dispose();
        Trainer.Dispose();
    }
}
