using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Operations;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// The billing job on a Hangfire cluster of two API hosts on one database: runs of one job never overlap, and a job
/// whose node goes away mid-run is completed by the other node, each VM-hour billed once.
/// </summary>
public sealed class BillingFailoverTests(TestDatabase database) : BillingTestBase(database)
{
    /// <summary>Three wallets, two VMs each, three hours behind.</summary>
    private async Task<(List<Guid> Vms, List<TestCustomer> Customers)> SeedAsync()
    {
        var customers = new List<TestCustomer>();
        for (var i = 0; i < 3; i++)
            customers.Add(await CustomerWithFundsAsync(500m, $"Customer {i}"));
        var vms = new List<Guid>();
        for (var i = 0; i < 6; i++)
            vms.Add(await InsertVmAsync(customers[i % 3], CurrentHour.AddHours(-3), name: $"vm-{i}"));
        return (vms, customers);
    }

    [Fact]
    public async Task Two_runs_of_the_billing_job_never_overlap_even_when_triggered_on_both_nodes()
    {
        var (vms, customers) = await SeedAsync();
        await using var nodeA = StartNode(ClusterNode);
        await using var nodeB = StartNode(ClusterNode);
        var holder = await WalletLockHolder.LockAsync(Database, customers[1].WalletId);
        try
        {
            await nodeA.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None);
            await nodeB.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None);

            // The first run waits for the wallet; the second waits for the first, not started (no history row yet).
            await WalletLockHolder.WaitForAWaiterAsync(Database);
            await WaitUntilAsync(async () => await Database.CountAsync("pg_locks", "locktype = 'advisory' AND NOT granted") == 1,
                "the second run never waited for the first");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'billing'"));
            Assert.Equal(1L, await Database.CountAsync("billing_runs"));
        }
        finally
        {
            await holder.DisposeAsync();
        }

        await WaitUntilAsync(async () => await Database.CountAsync("job_runs", "job_name = 'billing' AND status = 'Succeeded'") == 2,
            "both runs did not succeed");
        // One after the other: the second started when (or after) the first finished.
        Assert.True(await Database.ScalarAsync<bool>("""
            SELECT (array_agg(started_at ORDER BY started_at))[2] >= (array_agg(finished_at ORDER BY started_at))[1] FROM job_runs
            WHERE job_name = 'billing'
            """));
        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_billing_job_whose_node_stops_mid_run_is_completed_by_the_other_node_billing_each_hour_once()
    {
        var (vms, customers) = await SeedAsync();
        var nodeA = StartNode(ClusterNode);
        var nodeAId = nodeA.Services.GetRequiredService<SchedulerNode>().Id;
        var holder = await WalletLockHolder.LockAsync(Database, customers[1].WalletId);
        ApiFactory? nodeB = null;
        try
        {
            await nodeA.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None);
            await WalletLockHolder.WaitForAWaiterAsync(Database);
            Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'billing' AND status = 'Running' AND node_id = $1", nodeAId));

            nodeB = StartNode(ClusterNode);
            var nodeBId = nodeB.Services.GetRequiredService<SchedulerNode>().Id;
            // Node A goes away while its billing job waits for the wallet.
            await nodeA.DisposeAsync();
            await holder.DisposeAsync();

            await WaitUntilAsync(async () => await Database.CountAsync("job_runs",
                    "job_name = 'billing' AND status = 'Succeeded' AND node_id = $1", nodeBId) == 1,
                "node B never completed the billing job");
            Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'billing' AND node_id = $1 AND status = 'Failed'", nodeAId));
            await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
            await AssertLedgerReconcilesAsync();
            // Hangfire knows the billing job as succeeded, once (the every-minute jobs may have run meanwhile too).
            Assert.Equal(1L, await Database.CountAsync("hangfire.job", "statename = 'Succeeded' AND arguments::text LIKE '%billing%'"));
        }
        finally
        {
            await holder.DisposeAsync();
            await nodeA.DisposeAsync();
            if (nodeB is not null)
                await nodeB.DisposeAsync();
        }
    }
}
