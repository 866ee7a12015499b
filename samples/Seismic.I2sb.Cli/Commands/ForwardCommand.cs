using System.CommandLine;
using System.Diagnostics;
using Seismic.Data.Npy;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The `forward` verb: OpenFWI-exact forward modelling of velocity models stored as .npy.</summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var velocity = new Option<string>("--velocity") { Description = "Velocity .npy in m/s: (70,70), (1,70,70) or (N,1,70,70).", Required = true };
        var output = new Option<string>("--out") { Description = "Seismic .npy to write: (5,1000,70), or (N,5,1000,70) for a batch; float32.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Threads (-1: all cores).", DefaultValueFactory = _ => -1 };
        var command = new Command("forward", "Forward-model seismic data exactly as OpenFWI made it (5 shots, 1000 samples, 70 receivers).");
        command.Options.Add(velocity);
        command.Options.Add(output);
        command.Options.Add(threads);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            string vPath = parse.GetValue(velocity)!, outPath = parse.GetValue(output)!;
            int threadCount = parse.GetValue(threads);
            if (threadCount is 0 or < -1) throw new ArgumentException($"--threads must be -1 (all cores) or positive, got {threadCount}");
            CliAction.RequireFile(vPath, "velocity file");
            var acq = AcquisitionOptions.OpenFwi;
            var v = NpyFile.ReadAllFloat32(vPath, out var shape);
            int count = shape switch
            {
                [var z, var x] when z == acq.ModelDepth && x == acq.ModelWidth => 1,
                [1, var z, var x] when z == acq.ModelDepth && x == acq.ModelWidth => 1,
                [var n, 1, var z, var x] when z == acq.ModelDepth && x == acq.ModelWidth => n,
                _ => throw new NpyFormatException(vPath,
                    $"velocity shape ({string.Join(", ", shape)}) is not (70, 70), (1, 70, 70) or (N, 1, 70, 70)"),
            };
            try
            {
                AcousticPropagator.ValidateVelocities(v, count, acq);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{vPath}: {e.Message}", e);
            }
            var sw = Stopwatch.StartNew();
            var seismic = new AcousticPropagator(acq, threadCount).Forward(v, count);
            int[] outShape = shape.Length == 4 ? [count, .. acq.SeismicShape] : acq.SeismicShape;
            NpyWriter.Write(outPath, seismic, outShape);
            Console.WriteLine($"wrote {outPath} ({string.Join(", ", outShape)}) float32 in {sw.Elapsed.TotalSeconds:0.00} s ({sw.Elapsed.TotalSeconds / Math.Max(count, 1):0.000} s/sample)");
            return 0;
        }));
        return command;
    }
}
