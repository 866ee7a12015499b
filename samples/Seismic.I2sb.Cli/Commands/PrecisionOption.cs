using System.CommandLine;
using Seismic.Diffusion.Runtime;

namespace Seismic.I2sb.Cli.Commands;

/// <summary><c>--precision</c>, shared by train, sample, evaluate and quickstart (docs/training.md, "Precision").</summary>
internal static class PrecisionOption
{
    public static readonly Option<string> Flag = new("--precision")
    {
        Description = "Number format of the network's computations: fp32; bf16 (bfloat16, fast on CPUs with AVX512-BF16 or AMX); " +
                      "fp16 (CUDA only, with a loss scale); auto (bf16 where the CPU computes it natively, else fp32). " +
                      "Weights, optimiser, EMA and checkpoints stay float32.",
        DefaultValueFactory = _ => "fp32",
    };

    /// <summary>The flag's value as the library's enum.</summary>
    public static Precision Of(ParseResult parse) => parse.GetValue(Flag)!.ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "fp16" or "float16" or "half" => Precision.Fp16,
        "auto" => Precision.Auto,
        var other => throw new ArgumentException($"--precision must be fp32, bf16, fp16 or auto, got '{other}'"),
    };
}
