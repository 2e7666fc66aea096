using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Billing.Commands.RunBilling;
using CleanWallet.Application.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>Two nodes at once and runs that die half-way: every VM-hour is still billed exactly once.</summary>
public sealed class BillingConcurrencyTests(TestDatabase database) : BillingTestBase(database)
{
    private const int BatchSize = 2;

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Billing:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Three wallets, each with VMs spread over several batches, all three hours behind.</summary>
    private async Task<List<Guid>> SeedVmsAsync(int count)
    {
        var customers = new List<TestCustomer>();
        for (var i = 0; i < 3; i++)
            customers.Add(await CustomerWithFundsAsync(500m, $"Customer {i}"));
        var vms = new List<Guid>();
        for (var i = 0; i < count; i++)
            vms.Add(await InsertVmAsync(customers[i % customers.Count], CurrentHour.AddHours(-3), size: i % 2 == 0 ? "Small" : "Large",
                name: $"vm-{i}"));
        return vms;
    }

    [Fact]
    public async Task Two_nodes_running_the_billing_at_once_bill_each_hour_once()
    {
        var vms = await SeedVmsAsync(24);
        await using var otherNode = StartNode();
        // Each batch holds its locks a little while, so the two runs certainly overlap.
        Interceptor.Script((_, ct) => Task.Delay(30, ct));

        for (var round = 0; round < 3; round++)
        {
            var runs = await Task.WhenAll(
                Task.Run(() => RunBillingAsync(Factory, "node-a")),
                Task.Run(() => RunBillingAsync(otherNode, "node-b")));

            Assert.All(runs, run => Assert.Equal(BillingRunSummary.Succeeded, run.Status));
            // Whichever node locked a VM billed it; the other skipped it. Together: each VM once.
            Assert.Equal(round == 0 ? vms.Count : 0, runs.Sum(run => run.VmsBilled));
            Assert.Equal(round == 0 ? vms.Count * 3L : 0L, runs.Sum(run => run.HoursBilled));
            if (round == 0)
                Assert.All(runs, run => Assert.True(run.VmsBilled > 0, "Both nodes should have billed part of the VMs."));
        }

        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        Assert.Equal(vms.Count, await Database.CountAsync("ledger_entries", "type = 'UsageCharge'"));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Two_schedulers_on_one_database_triggered_at_once_bill_each_hour_once()
    {
        var vms = await SeedVmsAsync(12);
        var scheduling = new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" };
        await using var nodeA = StartNode(scheduling);
        await using var nodeB = StartNode(scheduling);

        await Task.WhenAll(
            nodeA.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None),
            nodeB.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None));
        await WaitForFinishedBillingJobsAsync(2);

        Assert.Equal(2L, await Database.CountAsync("job_runs", "job_name = 'billing' AND status = 'Succeeded'"));
        Assert.Equal(2L, await Database.CountAsync("billing_runs", "status = 'Succeeded'"));
        // Each run is named after the scheduler node that ran it, not a direct caller.
        Assert.Equal(0L, await Database.CountAsync("billing_runs", "node_id LIKE 'direct:%'"));
        Assert.Equal(vms.Count * 3L, await Database.ScalarAsync<long>("SELECT sum(hours_billed) FROM billing_runs"));
        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_batch_that_fails_rolls_back_alone_and_the_next_run_bills_what_it_left()
    {
        var vms = await SeedVmsAsync(10);
        Interceptor.Script((batch, _) => batch.Number == 3
            ? throw new InvalidOperationException("Simulated failure in batch 3")
            : Task.CompletedTask);

        var failed = await RunBillingAsync();

        // Batches 1, 2, 4 and 5 committed; batch 3 rolled back and the run carried on.
        Assert.Equal(BillingRunSummary.Failed, failed.Status);
        Assert.Equal((8, 24L, 4), (failed.VmsBilled, failed.HoursBilled, failed.Batches));
        Assert.Contains("Simulated failure in batch 3", Assert.Single(failed.Errors));
        Assert.Equal(1L, await Database.CountAsync("billing_runs",
            "id = $1 AND status = 'Failed' AND finished_at IS NOT NULL AND batches = 4 AND vms_billed = 8 AND error LIKE '%batch 3%'",
            failed.RunId));
        // Batch 3 held the fifth and sixth VM in id order (uuid order is the order of the text form).
        var byId = vms.OrderBy(vm => vm.ToString(), StringComparer.Ordinal).ToList();
        var left = new List<Guid>();
        foreach (var vm in byId)
            if ((await GetVmRowAsync(vm)).BilledThrough == CurrentHour.AddHours(-3))
                left.Add(vm);
        Assert.Equal(byId.Skip(4).Take(2), left);
        await AssertLedgerReconcilesAsync();

        Interceptor.Script(null);
        var rerun = await RunBillingAsync();

        Assert.Equal(BillingRunSummary.Succeeded, rerun.Status);
        Assert.Equal((2, 6L), (rerun.VmsBilled, rerun.HoursBilled));
        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_run_killed_half_way_then_run_again_bills_every_hour_exactly_once()
    {
        var vms = await SeedVmsAsync(10);
        using var kill = new CancellationTokenSource();
        // The process "dies" while batch 3 is in flight: it never commits, and nothing after it runs.
        Interceptor.Script((batch, _) =>
        {
            if (batch.Number != 3)
                return Task.CompletedTask;
            kill.Cancel();
            kill.Token.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunBillingAsync(kill.Token));

        Assert.Equal(4L, await Database.CountAsync("ledger_entries", "type = 'UsageCharge'"));
        Assert.Equal(12L, await Database.CountAsync("vm_usage"));
        Assert.Equal(1L, await Database.CountAsync("billing_runs", "status = 'Failed' AND batches = 2 AND vms_billed = 4"));
        await AssertLedgerReconcilesAsync();

        Interceptor.Script(null);
        var rerun = await RunBillingAsync();

        Assert.Equal((6, 18L), (rerun.VmsBilled, rerun.HoursBilled));
        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        Assert.Equal(vms.Count, await Database.CountAsync("ledger_entries", "type = 'UsageCharge'"));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_batch_that_hits_a_deadlock_is_retried_and_the_run_succeeds()
    {
        var vms = await SeedVmsAsync(3);
        var failures = 0;
        Interceptor.Script((batch, _) => batch.Number == 1 && Interlocked.Increment(ref failures) == 1
            ? throw new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.DeadlockDetected)
            : Task.CompletedTask);

        var run = await RunBillingAsync();

        Assert.Equal(BillingRunSummary.Succeeded, run.Status);
        Assert.Equal((3, 9L, 2), (run.VmsBilled, run.HoursBilled, run.Batches));
        Assert.Equal(3, Interceptor.BatchesSeen); // batch 1 twice, batch 2 once
        await AssertEachHourBilledOnceAsync(vms, CurrentHour.AddHours(-3), CurrentHour);
        await AssertLedgerReconcilesAsync();
    }

    private async Task WaitForFinishedBillingJobsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await Database.CountAsync("job_runs", "job_name = 'billing' AND status <> 'Running'") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} billing jobs finished within 90 s.");
            await Task.Delay(200);
        }
    }
}
