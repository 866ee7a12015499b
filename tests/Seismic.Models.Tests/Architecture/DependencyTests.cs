using System.Reflection;
using System.Xml.Linq;
using Seismic.Models;

namespace Seismic.Models.Tests.Architecture;

/// <summary>The dependency direction of docs/architecture.md: sampling with a trained model needs no training package.</summary>
public class DependencyTests
{
    private static string[] References(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    [Fact]
    public void Models_references_neither_training_physics_nor_logging()
    {
        var references = References(typeof(BridgeModel).Assembly);
        Assert.Contains("Seismic.Data", references);
        Assert.Contains("Seismic.Diffusion", references);
        Assert.DoesNotContain("Seismic.Training", references);
        Assert.DoesNotContain("Seismic.Physics", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal));
    }

    [Fact]
    public void Diffusion_and_data_stay_below_the_models()
    {
        var diffusion = References(typeof(Seismic.Diffusion.Bridge).Assembly);
        Assert.DoesNotContain(diffusion, r => r.StartsWith("Seismic.", StringComparison.Ordinal));
        var data = References(typeof(Seismic.Data.Seed).Assembly);
        Assert.DoesNotContain(data, r => r.StartsWith("Seismic.", StringComparison.Ordinal) || r == "TorchSharp");
    }

    [Fact]
    public void The_sample_only_program_references_only_the_models_package()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seismic.I2sb.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var project = XDocument.Load(Path.Combine(dir!.FullName, "samples", "Seismic.I2sb.SampleOnly", "Seismic.I2sb.SampleOnly.csproj"));
        var references = project.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value)).ToArray();
        Assert.Equal(["Seismic.Models"], references);
    }
}
