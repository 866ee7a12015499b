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
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "samples", "Seismic.I2sb.SampleOnly", "Seismic.I2sb.SampleOnly.csproj"));
        var references = project.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value)).ToArray();
        Assert.Equal(["Seismic.Models"], references);
    }

    [Fact]
    public void No_library_opens_its_internals_to_another_library()
    {
        // Test assemblies (and the distributed tests' host process) may see internals; libraries talk through public APIs only.
        var src = new DirectoryInfo(Path.Combine(RepositoryRoot(), "src"));
        var grants = src.GetFiles("*.csproj", SearchOption.AllDirectories)
            .SelectMany(p => XDocument.Load(p.FullName).Descendants().Where(e => e.Name.LocalName == "InternalsVisibleTo")
                .Select(e => (Project: p.Name, Friend: e.Attribute("Include")!.Value)))
            .ToList();
        Assert.Contains(grants, g => g.Friend == "Seismic.Training.Tests"); // the scan does see the grants
        Assert.All(grants, g => Assert.True(g.Friend.EndsWith(".Tests", StringComparison.Ordinal) || g.Friend.EndsWith(".TestHost", StringComparison.Ordinal),
                                            $"{g.Project} grants InternalsVisibleTo to {g.Friend}"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seismic.I2sb.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir!.FullName;
    }
}
