using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// A node killed outright (SIGKILL) in the middle of a billing run: no shutdown, no Hangfire goodbye, its open transaction
/// cut off by the kernel closing its connection. The batch it had committed stays, the batch in flight vanishes whole, and
/// another node, once Hangfire has seen the dead node go silent (Scheduling:ServerTimeoutSeconds and
/// InvisibilityTimeoutSeconds, 10 s in the Testing settings), runs the job again and bills the rest: each VM-hour once.
/// The killed node is a real process of the API; the surviving one runs in the test.
/// </summary>
public sealed class BillingProcessKillTests(TestDatabase database) : BillingTestBase(database)
{
    [Fact]
    public async Task A_billing_run_whose_node_is_killed_between_two_batches_is_finished_by_another_node_billing_each_hour_once()
    {
        // Three wallets, two VMs each, three real hours behind: the killed node runs on the real clock. VM ids ascend in
        // creation order, so with two VMs a batch, batch 1 bills customers 0 and 1, batch 2 customers 2 and 0.
        var hour = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day,
            DateTimeOffset.UtcNow.Hour, 0, 0, TimeSpan.Zero);
        var from = hour.AddHours(-3);
        var customers = new List<TestCustomer>();
        for (var i = 0; i < 3; i++)
            customers.Add(await CustomerWithFundsAsync(500m, $"Customer {i}"));
        var vms = new List<Guid>();
        for (var i = 0; i < 6; i++)
            vms.Add(await InsertVmAsync(customers[i % 3], from, name: $"vm-{i}"));

        // Batch 2 will wait for customer 2's wallet, after batch 1 has committed.
        var holder = await WalletLockHolder.LockAsync(Database, customers[2].WalletId);
        ApiFactory? survivor = null;
        await using var doomed = await ApiProcess.StartAsync(Database.ConnectionString, ClusterNode);
        try
        {
            using (var admin = doomed.CreateClient(ApiFactory.AdminKey))
                Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync("/api/v1/admin/jobs/billing/trigger", null)).StatusCode);
            await WalletLockHolder.WaitForAWaiterAsync(Database);
            var doomedNode = await Database.ScalarAsync<string>("SELECT node_id FROM billing_runs");
            var billedUpTo = new DateTimeOffset(await Database.ScalarAsync<DateTime>("SELECT billed_up_to FROM billing_runs"), TimeSpan.Zero);
            // Three hours each (four if the real clock passed an hour since the VMs were written).
            var hours = (long)(billedUpTo - from).TotalHours;
            // Batch 1 committed: two VMs billed, the other four not yet.
            Assert.Equal(2 * hours, await Database.CountAsync("vm_usage"));

            await doomed.KillAsync();
            await holder.DisposeAsync();
            // The killed node's batch in flight is gone whole: nothing of batch 2 was billed.
            Assert.Equal(2 * hours, await Database.CountAsync("vm_usage"));
            Assert.Equal(1L, await Database.CountAsync("billing_runs", "status = 'Running'"));

            // The survivor's clock reads the hour the killed run billed up to, so both runs agree on the hours to bill.
            Clock.Now = billedUpTo.AddMinutes(20);
            survivor = StartNode(ClusterNode);
            var survivorNode = survivor.Services.GetRequiredService<SchedulerNode>().Id;
            await WaitUntilAsync(async () => await Database.CountAsync("job_runs",
                    "job_name = 'billing' AND status = 'Succeeded' AND node_id = $1", survivorNode) == 1,
                $"the surviving node never completed the billing job. The killed node's output:{Environment.NewLine}{doomed.Output}");

            await AssertEachHourBilledOnceAsync(vms, from, billedUpTo);
            await AssertLedgerReconcilesAsync();
            // The killed run's records say Running until housekeeping closes them (Housekeeping tests); the run that
            // finished the job succeeded, having billed only what the killed run had not.
            Assert.Equal(1L, await Database.CountAsync("billing_runs", "status = 'Running' AND node_id = $1", doomedNode));
            Assert.Equal(1L, await Database.CountAsync("job_runs", "job_name = 'billing' AND status = 'Running' AND node_id = $1", doomedNode));
            Assert.Equal(1L, await Database.CountAsync("billing_runs", "status = 'Succeeded' AND node_id = $1", survivorNode));
            Assert.Equal(6 * hours, await Database.CountAsync("vm_usage"));
            Assert.Equal(1L, await Database.CountAsync("hangfire.job", "statename = 'Succeeded' AND arguments::text LIKE '%billing%'"));
        }
        finally
        {
            await holder.DisposeAsync();
            if (survivor is not null)
                await survivor.DisposeAsync();
        }
    }
}
