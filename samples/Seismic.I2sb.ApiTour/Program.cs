// The API tour: what `seismic-i2sb quickstart` does, composed directly from the library builders.
// Each step is one layer of the stack; run it with
//   dotnet run --project samples/Seismic.I2sb.ApiTour -c Release
// It finishes in well under a minute on two CPU cores (tiny data, 16 x 16 images, a few iterations),
// so the numbers it prints show the plumbing, not a trained model (see docs/training.md for real runs).
using System.Globalization;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using Seismic.Models.Evaluation;
using Seismic.Physics.Synthesis;
using Seismic.Training;

// Applications choose libtorch's process-wide kernel settings (the libraries never change them).
TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment());

var work = Directory.CreateTempSubdirectory("seismic-i2sb-tour-").FullName;
try
{
    // 1. Seismic.Physics: an OpenFWI-format dataset from scratch. Seeded FlatVel_A velocity models are
    //    forward-modelled exactly as OpenFWI made its data (5 shots x 1000 samples x 70 receivers) and written
    //    as OUT/{train,val}/{data,model}/*.npy plus manifest.json. Atomic per file and resumable.
    var synthesis = new SynthesisOptions
    {
        Family = VelocityFamily.FlatVelA,
        OutputDirectory = work,
        TrainSamples = 8,
        ValidationSamples = 4,
        SamplesPerFile = 4,
        Seed = 7,
    };
    var synthesized = new DatasetSynthesizer(synthesis).Run();
    Console.WriteLine($"1. synthesised {synthesized.SamplesWritten} FlatVel_A samples in {synthesized.Elapsed.TotalSeconds:F1} s -> {work}");

    // 2. Seismic.Data: a split as the model sees it. The builder discovers the .npy pairs, normalises them with
    //    the dataset's OpenFWI bounds, resizes to S x S and caches the result in LMDB (built once, reused after).
    SeismicDataset OpenSplit(DatasetSplit split) => SeismicDataset.Builder()
        .FromDirectory(work)
        .Dataset(OpenFwiDataset.FlatVelA)
        .Split(split)
        .ImageSize(16)
        .Build();
    using var train = OpenSplit(DatasetSplit.Train);
    using var val = OpenSplit(DatasetSplit.Val);
    Console.WriteLine($"2. datasets: {train.Count} train / {val.Count} val samples at {train.ImageSize} x {train.ImageSize}");

    // 3. Seismic.Training (over Seismic.Diffusion and Seismic.Models): immutable options records carry the
    //    reference's defaults; we shrink them to a toy run. The model spec (network, bridge, corruption, dataset,
    //    image size) is what checkpoints keep for sampling; the rest is how to train. Every iteration sums the
    //    gradients of BatchSize / Microbatch microbatches, then AdamW and the EMA update.
    var options = new TrainingOptions
    {
        Data = new DataOptions { DatasetDir = work },
        Model = new ModelSpec
        {
            Network = ModelPreset.I2sbSmallCond.Network,
            Bridge = new BridgeOptions { Interval = 100 },
            Corruption = CorruptionPreset.OpenFwiBenchmarkA,
            Dataset = train.Info,
            ImageSize = 16,
        },
        Optimization = new OptimizationOptions { BatchSize = 4, Microbatch = 2, NumIterations = 5, LearningRate = 1e-3 },
        Schedule = new ScheduleOptions { ValBatches = 1, ValidateEvery = 5 },
        ResultDir = Path.Combine(work, "runs"),
        Name = "tour",
        Seed = 7,
        Device = "cpu",
    };
    using var trainer = Trainer.CreateBuilder().Options(options).Datasets(train, val).Build();
    trainer.IterationCompleted += p => Console.WriteLine($"   itr {p.Iteration}/{p.Total} loss {p.Loss:F4}");
    var trained = trainer.Run();
    Console.WriteLine($"3. trained {trained.Iterations} iterations in {trained.Elapsed.TotalSeconds:F1} s; checkpoint {trained.CheckpointPath}");

    // 4. Evaluation: sample the validation split with the EMA weights (NFE network calls per sample) and score
    //    the prediction and the corrupted input x1 against the truth, at S x S and at OpenFWI's 70 x 70.
    var evaluator = new Evaluator(trainer.Model, new EvaluationOptions { Sampler = new() { Nfe = 2 }, BatchSize = 4 });
    var report = evaluator.Evaluate(val);
    var c = CultureInfo.InvariantCulture;
    Console.WriteLine($"4. {report.Samples} val samples, NFE {report.Nfe}:");
    Console.WriteLine($"   {"",-12} {"MAE",8} {"m/s",8} {"SSIM",8} {"MAE@70",8} {"SSIM@70",8}");
    foreach (var (name, s, native) in new[] { ("prediction", report.Prediction, report.PredictionNative), ("input x1", report.Input, report.InputNative) })
        Console.WriteLine(string.Format(c, "   {0,-12} {1,8:F4} {2,8:F1} {3,8:F4} {4,8:F4} {5,8:F4}", name, s.Mae, s.MaeMetersPerSecond, s.Ssim, native.Mae, native.Ssim));

    // 5. The same model again, from its checkpoint (what `seismic-i2sb sample` / `evaluate` do; needs no training
    //    package: see samples/Seismic.I2sb.SampleOnly).
    using var reloaded = BridgeModel.Load(trained.CheckpointPath!, TorchRuntime.ResolveDevice("cpu"));
    var spec = reloaded.Spec;
    Console.WriteLine($"5. reloaded {spec.NetworkName} from the checkpoint ({spec.ImageSize} x {spec.ImageSize}, interval {spec.Bridge.Interval}, {spec.Corruption})");
}
finally
{
    Directory.Delete(work, recursive: true);
}
