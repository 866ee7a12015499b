// Sample with a trained checkpoint, referencing Seismic.Models only (no training package):
//   dotnet run --project samples/Seismic.I2sb.SampleOnly -c Release -- CHECKPOINT DATASET_DIR [NFE] [SAMPLES]
// CHECKPOINT is a latest.ckpt written by `seismic-i2sb train` (or the quickstart); DATASET_DIR an OpenFWI-format folder
// with val/. It loads the model (its spec says network, bridge, corruption, normalisation and image size), samples the
// validation split with the EMA weights and prints how much the prediction improves on the corrupted input x1.
using System.Globalization;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using Seismic.Models.Evaluation;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Seismic.I2sb.SampleOnly CHECKPOINT DATASET_DIR [NFE=1] [SAMPLES=16]");
    return 2;
}
int nfe = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
int samples = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 16;

// The application, not the library, chooses libtorch's process-wide kernel settings.
TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment());

// 1. The model: spec and EMA weights from the checkpoint (the training state in it is not read).
using var model = BridgeModel.Load(args[0], TorchRuntime.ResolveDevice("auto"));
var spec = model.Spec;
Console.WriteLine($"model: {spec.NetworkName}, {spec.ImageSize} x {spec.ImageSize}, {spec.Corruption}, {spec.Dataset.Name}, interval {spec.Bridge.Interval}, on {model.Device}");

// 2. The data: the validation split, normalised with the model's own dataset bounds and cached at its image size.
using var val = SeismicDataset.Builder()
    .FromDirectory(args[1])
    .Dataset(spec.Dataset)
    .Split(DatasetSplit.Val)
    .ImageSize(spec.ImageSize)
    .Build();

// 3. Sampling and metrics: NFE network calls per sample, seeded; x1 is the corruption of the truth.
var options = new EvaluationOptions { Sampler = new() { Nfe = nfe }, MaxSamples = samples, Seed = 0 };
var report = new Evaluator(model, options).Evaluate(val);
var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Format(c, "{0} samples, NFE {1}: prediction MAE {2:F1} m/s SSIM {3:F4}; input x1 MAE {4:F1} m/s SSIM {5:F4}",
    report.Samples, report.Nfe, report.Prediction.MaeMetersPerSecond, report.Prediction.Ssim,
    report.Input.MaeMetersPerSecond, report.Input.Ssim));
return 0;
