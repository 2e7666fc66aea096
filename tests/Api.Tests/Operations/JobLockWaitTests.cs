using System.Diagnostics;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Npgsql;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>
/// A run waits for a run of the same job elsewhere only <c>Scheduling:JobLockWaitSeconds</c>: a run that never lets go
/// (hung on another node) costs this node a worker for that long, not for ever.
/// </summary>
public sealed class JobLockWaitTests(TestDatabase database) : OperationsTestBase(database)
{
    private const int LockWaitSeconds = 2;

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Scheduling:Enabled"] = "true",
            ["Scheduling:JobLockWaitSeconds"] = LockWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    [Fact]
    public async Task A_run_that_finds_its_job_held_past_the_wait_is_recorded_failed_and_the_next_run_after_the_holder_succeeds()
    {
        // "Another node" running housekeeping: the job's advisory lock, held by a session of its own.
        await using var otherNode = new NpgsqlConnection(Database.ConnectionString);
        await otherNode.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('cleanwallet.job:housekeeping', 0))", otherNode))
            await take.ExecuteNonQueryAsync();

        var before = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await AssertStatus(await AdminClient().PostAsync($"{Jobs}/housekeeping/trigger", null), HttpStatusCode.Accepted);
        // It waits (the server shows a session waiting for an advisory lock), then gives up.
        var waited = await WaitForAdvisoryWaiterAsync();
        var outcome = await WaitForManualRunAsync("housekeeping", before, TimeSpan.FromSeconds(60));

        Assert.True(waited, "the run never waited for the lock");
        Assert.StartsWith("Failed: ", outcome);
        Assert.Contains("Another run of 'housekeeping' was still running after 2 s", outcome);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(LockWaitSeconds), $"gave up after {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(LockWaitSeconds + 30), $"gave up only after {clock.Elapsed}");
        // Nothing of the job ran, and nothing is left waiting.
        Assert.Equal(0L, await Database.CountAsync("job_runs", "job_name = 'housekeeping' AND status = 'Succeeded'"));
        Assert.Equal(0L, await Database.CountAsync("pg_locks", "locktype = 'advisory' AND NOT granted"));

        // The holder lets go: the next run takes the lock and succeeds.
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('cleanwallet.job:housekeeping', 0))", otherNode))
            await release.ExecuteNonQueryAsync();
        await AssertStatus(await AdminClient().PostAsync($"{Jobs}/housekeeping/trigger", null), HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Database.CountAsync("job_runs", "job_name = 'housekeeping' AND status <> 'Running'") < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'housekeeping' AND trigger_name = 'manual' AND status = 'Succeeded'"));
        Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'housekeeping' AND status = 'Failed'"));
    }

    private async Task<bool> WaitForAdvisoryWaiterAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(LockWaitSeconds + 30);
        while (DateTime.UtcNow < deadline)
        {
            if (await Database.CountAsync("pg_locks", "locktype = 'advisory' AND NOT granted") > 0)
                return true;
            await Task.Delay(50);
        }
        return false;
    }
}
