using Seismic.Training.Distributed;

namespace Seismic.Training.Tests.Distributed;

public sealed class ProcessGroupsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    private static readonly string[] MissingMpi = ["libmpi-absent-for-tests.so.99"];

    [Fact]
    public void Single_process_group_is_rank_0_of_1_and_leaves_buffers_unchanged()
    {
        var group = SingleProcessGroup.Instance;
        float[] f = [1.5f, -2f];
        double[] d = [3.25];
        byte[] b = [7, 8];
        group.AllReduceSum(f);
        group.AllReduceSum(d);
        group.Broadcast(b, root: 0);
        group.Barrier();
        Assert.Equal((0, 1, 0, 1, "single"), (group.Rank, group.Size, group.LocalRank, group.LocalSize, group.Backend));
        Assert.False(((IProcessGroup)group).IsDistributed);
        Assert.Equal([1.5f, -2f], f);
        Assert.Equal([3.25], d);
        Assert.Equal([7, 8], b);
        Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(b, root: 1));
    }

    [Fact]
    public void Auto_without_launcher_variables_is_a_single_process()
    {
        Assert.False(ProcessGroups.IsMpiLaunch(Env()));
        Assert.IsType<SingleProcessGroup>(ProcessGroups.Create(new ProcessGroupOptions { Mode = DistributedMode.Auto }, Env(), MissingMpi));
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_SIZE", "2")]
    [InlineData("OMPI_COMM_WORLD_RANK", "1")]
    [InlineData("PMIX_RANK", "0")]
    [InlineData("PMI_SIZE", "4")]
    [InlineData("PMI_RANK", "3")]
    public void A_launcher_variable_marks_an_mpi_launch(string name, string value) =>
        Assert.True(ProcessGroups.IsMpiLaunch(Env((name, value))));

    [Fact]
    public void Single_mode_ignores_the_launcher() =>
        Assert.IsType<SingleProcessGroup>(ProcessGroups.Create(new ProcessGroupOptions { Mode = DistributedMode.Single }, Env(("OMPI_COMM_WORLD_SIZE", "2")), MissingMpi));

    [Fact]
    public void Under_a_launcher_without_libmpi_the_error_is_one_clear_line()
    {
        var e = Assert.Throws<DistributedUnavailableException>(() =>
            ProcessGroups.Create(new ProcessGroupOptions { Mode = DistributedMode.Auto }, Env(("OMPI_COMM_WORLD_SIZE", "2")), MissingMpi));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("OMPI_COMM_WORLD_SIZE is set", e.Message);
        Assert.Contains("libmpi-absent-for-tests.so.99", e.Message);
        Assert.Contains("apt-get install openmpi-bin", e.Message);
    }

    [Fact]
    public void Mpi_mode_without_libmpi_names_what_was_tried_and_the_fix()
    {
        var e = Assert.Throws<DistributedUnavailableException>(() => ProcessGroups.Create(new ProcessGroupOptions { Mode = DistributedMode.Mpi }, Env(), MissingMpi));
        Assert.Contains("tried libmpi-absent-for-tests.so.99", e.Message);
        Assert.Contains("apt-get install openmpi-bin", e.Message);
    }

    [Fact]
    public void The_default_library_list_covers_open_mpi_and_the_mpich_abi() =>
        Assert.Equal(["libmpi.so.40", "libmpi.so", "libmpich.so.12", "libmpi.so.12"], MpiNative.DefaultLibraryNames);

    [Theory]
    [InlineData("OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE")]
    [InlineData("MPI_LOCALRANKID", "MPI_LOCALNRANKS")]
    [InlineData("PMI_LOCAL_RANK", "PMI_LOCAL_SIZE")]
    public void Local_rank_and_size_come_from_the_launcher(string rank, string size) =>
        Assert.Equal((1, (int?)3), LaunchEnvironment.Local(Env((rank, "1"), (size, "3"))));

    [Fact]
    public void Without_launcher_local_variables_the_local_rank_is_unknown()
    {
        Assert.Null(LaunchEnvironment.Local(Env()));
        Assert.Null(LaunchEnvironment.Local(Env(("OMPI_COMM_WORLD_LOCAL_RANK", "x"))));
        Assert.Equal((2, (int?)null), LaunchEnvironment.Local(Env(("SLURM_LOCALID", "2"))));
    }

    [Fact]
    public void Local_ranks_are_computed_from_host_names_when_the_launcher_says_nothing()
    {
        string[] hosts = ["node-a", "node-b", "node-a", "node-a"];
        var result = new (int, int)[hosts.Length];
        InMemoryWorld.Run(hosts.Length, g => result[g.Rank] = LocalRanks.Compute(g, hosts[g.Rank]));
        Assert.Equal([(0, 3), (0, 1), (1, 3), (2, 3)], result);
    }

    [Fact]
    public void Typed_broadcast_copies_the_root_bits()
    {
        var seen = new float[3][];
        InMemoryWorld.Run(3, g =>
        {
            float[] values = [g.Rank, float.NaN, -0f * g.Rank];
            g.Broadcast<float>(values, root: 2);
            seen[g.Rank] = values;
        });
        foreach (var v in seen) Assert.Equal(BitConverter.GetBytes(2f).Concat(BitConverter.GetBytes(float.NaN)).Concat(BitConverter.GetBytes(-0f)),
                                             v.SelectMany(BitConverter.GetBytes));
    }

    [Fact]
    public void The_launcher_s_world_size_is_read_from_its_variables()
    {
        Assert.Null(LaunchEnvironment.WorldSize(Env()));
        Assert.Equal(4, LaunchEnvironment.WorldSize(Env(("OMPI_COMM_WORLD_SIZE", "4"))));
        Assert.Equal(3, LaunchEnvironment.WorldSize(Env(("PMI_SIZE", "3"))));
        Assert.Null(LaunchEnvironment.WorldSize(Env(("PMI_SIZE", "zero"))));
        Assert.Equal("PMI_SIZE", LaunchEnvironment.WorldSizeVariable(Env(("PMI_SIZE", "3"))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_collective_timeout_that_is_not_positive_is_refused(int seconds)
    {
        var e = Assert.Throws<ArgumentException>(() => ProcessGroups.Create(new ProcessGroupOptions { CollectiveTimeout = TimeSpan.FromSeconds(seconds) }, Env(), MissingMpi));
        Assert.StartsWith("CollectiveTimeout must be positive", e.Message);
        Assert.Equal("CollectiveTimeout", e.ParamName);
        new ProcessGroupOptions { CollectiveTimeout = Timeout.InfiniteTimeSpan }.Validate(); // the watchdog off is allowed
        Assert.Equal(TimeSpan.FromMinutes(30), new ProcessGroupOptions().CollectiveTimeout);
    }

    [Fact]
    public void In_a_single_process_RunOrAbort_returns_the_exit_code_and_lets_exceptions_through()
    {
        var group = SingleProcessGroup.Instance;
        Assert.Equal(7, group.RunOrAbort(() => 7));
        var e = Assert.Throws<InvalidDataException>(() => group.RunOrAbort(() => throw new InvalidDataException("bad file x.npy"), _ => (3, "never used")));
        Assert.Equal("bad file x.npy", e.Message);
    }

    [Fact]
    public void In_a_distributed_job_RunOrAbort_names_the_rank_and_aborts_with_the_described_code()
    {
        var errors = new string[2];
        var saved = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            // The in-memory world's Abort throws, which stands in for MPI_Abort ending the process.
            InMemoryWorld.Run(2, g =>
            {
                if (g.Rank == 0)
                    Assert.Equal(0, g.RunOrAbort(() => 0, x => (4, x.Message)));
                else
                    errors[g.Rank] = Assert.Throws<InvalidOperationException>(() => g.RunOrAbort(() => throw new IOException("disk full"), x => (4, x.Message))).Message;
            });
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Null(errors[0]);
        Assert.Equal("rank 1 aborted the in-memory job with code 4", errors[1]);
        Assert.Contains("error: rank 1 of 2: disk full", captured.ToString());
    }
}
