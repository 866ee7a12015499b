using Seismic.Data.IO;

namespace Seismic.Data.Tests.IO;

/// <summary>Temporaries of dead writers are removed at the next start; those of live writers stay (issue 10, problem 7).</summary>
public class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Temporary_names_carry_the_writer_pid()
    {
        var temp = Path.GetFileName(AtomicFile.TempPathFor(Path.Combine(_dir, "latest.ckpt")));
        Assert.StartsWith($"latest.ckpt.tmp-{Environment.ProcessId}-", temp);
    }

    [Fact]
    public void Only_temporaries_of_dead_writers_are_removed()
    {
        var target = Path.Combine(_dir, "latest.ckpt");
        AtomicFile.WriteAllText(target, "ok");
        string Make(string suffix)
        {
            var p = $"{target}.tmp-{suffix}";
            File.WriteAllText(p, "partial");
            return p;
        }
        var dead = Make($"{int.MaxValue - 1}-{Guid.NewGuid():N}");
        var legacy = Make($"{Guid.NewGuid():N}");
        var live = Make($"{Environment.ProcessId}-{Guid.NewGuid():N}");
        var other = Path.Combine(_dir, "other.ckpt.tmp-1-x");
        File.WriteAllText(other, "not ours");

        Assert.Equal(2, AtomicFile.RemoveStaleTemporaries(target));

        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(legacy));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal("ok", File.ReadAllText(target));
    }
}
