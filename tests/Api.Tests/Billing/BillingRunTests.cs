using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Billing.Commands.RunBilling;
using Npgsql;

namespace CleanWallet.Api.Tests.Billing;

public sealed class BillingRunTests(TestDatabase database) : BillingTestBase(database)
{
    [Fact]
    public async Task Three_missed_hours_are_billed_once_each_in_arrears_as_one_entry()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-3), name: "db-1");

        var summary = await RunBillingAsync();

        // 09:20: the hours 06, 07 and 08 have ended; 09 has not. Small = 150.00/730 h, cumulative rounding: 0.21 0.20 0.21.
        Assert.Equal(BillingRunSummary.Succeeded, summary.Status);
        Assert.Equal(CurrentHour, summary.BilledUpTo);
        Assert.Equal(1, summary.VmsBilled);
        Assert.Equal(3L, summary.HoursBilled);
        Assert.Equal(0.62m, summary.AmountBilled);
        Assert.Equal(0, summary.VmsSuspended);
        Assert.Equal(1, summary.Batches);
        Assert.Empty(summary.Errors);

        var usage = await UsageOfAsync(vmId);
        Assert.Equal([CurrentHour.AddHours(-3), CurrentHour.AddHours(-2), CurrentHour.AddHours(-1)],
            usage.Select(u => u.HourStart.ToUniversalTime()).ToArray());
        Assert.Equal([0.21m, 0.20m, 0.21m], usage.Select(u => u.Amount).ToArray());
        Assert.Equal(new VmRow("Running", CurrentHour, 3), await GetVmRowAsync(vmId));

        var entries = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?type=UsageCharge"));
        var entry = Assert.Single(entries["items"]!.AsArray())!;
        Assert.Equal("UsageCharge", (string?)entry["type"]);
        Assert.Equal("Debit", (string?)entry["direction"]);
        Assert.Equal(0.62m, (decimal)entry["amount"]!);
        Assert.Equal(100m, (decimal)entry["balanceBefore"]!);
        Assert.Equal(99.38m, (decimal)entry["balanceAfter"]!);
        Assert.Equal("vm_usage", (string?)entry["referenceType"]);
        Assert.Equal(vmId.ToString(), (string?)entry["referenceId"]);
        Assert.Equal("VM 'db-1' (Small) usage: 3 hour(s), 2026-03-10 06:00 to 2026-03-10 09:00 UTC", (string?)entry["description"]);
        Assert.Equal(2L, (long)entry["sequence"]!);
        Assert.Equal(99.38m, await BalanceOfAsync(customer.WalletId));

        // Every usage row names the entry and the run; the run row carries the same counts as the summary.
        var entryId = Guid.Parse((string)entry["id"]!);
        Assert.Equal(3L, await Database.CountAsync("vm_usage", "vm_id = $1 AND ledger_entry_id = $2 AND billing_run_id = $3 AND size = 'Small'",
            vmId, entryId, summary.RunId));
        Assert.Equal(1L, await Database.CountAsync("billing_runs",
            "id = $1 AND status = 'Succeeded' AND finished_at IS NOT NULL AND billed_up_to = $2 AND batches = 1 AND vms_billed = 1 " +
            "AND hours_billed = 3 AND amount_billed = 0.62 AND vms_suspended = 0 AND error IS NULL AND node_id LIKE 'direct:%'",
            summary.RunId, CurrentHour));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "id = $1 AND actor = 'system:billing'", entryId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Running_again_bills_nothing_new_and_the_next_hour_once_it_has_ended()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var first = await InsertVmAsync(customer, CurrentHour.AddHours(-2));
        var second = await InsertVmAsync(customer, CurrentHour.AddHours(-1), size: "Medium");
        await RunBillingAsync();
        var balance = await BalanceOfAsync(customer.WalletId);

        var again = await RunBillingAsync();
        Clock.Advance(TimeSpan.FromMinutes(39));
        var sameHour = await RunBillingAsync();

        foreach (var rerun in new[] { again, sameHour })
        {
            Assert.Equal(BillingRunSummary.Succeeded, rerun.Status);
            Assert.Equal((0, 0L, 0m, 0), (rerun.VmsBilled, rerun.HoursBilled, rerun.AmountBilled, rerun.Batches));
        }
        Assert.Equal(balance, await BalanceOfAsync(customer.WalletId));
        Assert.Equal(3L, await Database.CountAsync("vm_usage"));
        Assert.Equal(3L, await Database.CountAsync("billing_runs", "status = 'Succeeded'"));

        Clock.Advance(TimeSpan.FromMinutes(1)); // 10:00: hour 09 has ended
        var next = await RunBillingAsync();

        Assert.Equal((2, 2L), (next.VmsBilled, next.HoursBilled));
        Assert.Equal(0.21m + 0.41m, next.AmountBilled); // Small hour 3 (0.62 - 0.41); Medium hour 2 (0.82 - 0.41)
        await AssertEachHourBilledOnceAsync([first], CurrentHour.AddHours(-2), CurrentHour.AddHours(1));
        await AssertEachHourBilledOnceAsync([second], CurrentHour.AddHours(-1), CurrentHour.AddHours(1));
        Assert.Equal(balance - 0.62m, await BalanceOfAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Seven_hundred_thirty_hours_of_a_small_vm_cost_exactly_its_monthly_price_in_one_run_or_in_many()
    {
        var customer = await CustomerWithFundsAsync(1000m);
        var oneRun = await InsertVmAsync(customer, CurrentHour.AddHours(-730), name: "one-run");

        var summary = await RunBillingAsync();

        Assert.Equal(730L, summary.HoursBilled);
        Assert.Equal(150.00m, summary.AmountBilled);
        Assert.Equal(150.00m, (await UsageOfAsync(oneRun)).Sum(u => u.Amount));

        // The same month in uneven runs (a day, an hour, a long outage, the rest) adds up to the same 150.00, while the
        // first VM's second month, billed alongside, costs 150.00 again.
        var manyRuns = await InsertVmAsync(customer, CurrentHour, name: "many-runs");
        var billed = 0m;
        foreach (var hours in new[] { 24, 1, 5, 300, 1, 399 })
        {
            Clock.Advance(TimeSpan.FromHours(hours));
            billed += (await RunBillingAsync()).AmountBilled;
        }

        Assert.Equal(300.00m, billed);
        Assert.Equal(150.00m, (await UsageOfAsync(manyRuns)).Sum(u => u.Amount));
        Assert.Equal(150.00m, await Database.ScalarAsync<decimal>(
            "SELECT sum(amount) FROM ledger_entries WHERE type = 'UsageCharge' AND reference_id = $1", manyRuns));
        Assert.Equal(6L, await Database.CountAsync("ledger_entries", "type = 'UsageCharge' AND reference_id = $1", manyRuns));
        Assert.Equal(300.00m, (await UsageOfAsync(oneRun)).Sum(u => u.Amount));
        await AssertEachHourBilledOnceAsync([manyRuns], CurrentHour, CurrentHour.AddHours(730));
        await AssertEachHourBilledOnceAsync([oneRun], CurrentHour.AddHours(-730), CurrentHour.AddHours(730));
        Assert.Equal(1000m - 150m - 300m, await BalanceOfAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Stopped_suspended_and_deleted_vms_are_not_billed()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var running = await InsertVmAsync(customer, CurrentHour.AddHours(-2));
        var stopped = await InsertVmAsync(customer, CurrentHour.AddHours(-2), status: "Stopped");
        var suspended = await InsertVmAsync(customer, CurrentHour.AddHours(-2), status: "Suspended");
        var deleted = await InsertVmAsync(customer, CurrentHour.AddHours(-2), status: "Deleted");
        // A running VM whose current hour a stop/start already settled has nothing ended to bill either.
        var settledAhead = await InsertVmAsync(customer, CurrentHour.AddHours(1), sizeHoursBilled: 7);

        var summary = await RunBillingAsync();

        Assert.Equal((1, 2L), (summary.VmsBilled, summary.HoursBilled));
        Assert.Equal(2, (await UsageOfAsync(running)).Count);
        foreach (var (vmId, status, through, hours) in new[]
                 {
                     (stopped, "Stopped", CurrentHour.AddHours(-2), 0L), (suspended, "Suspended", CurrentHour.AddHours(-2), 0L),
                     (deleted, "Deleted", CurrentHour.AddHours(-2), 0L), (settledAhead, "Running", CurrentHour.AddHours(1), 7L),
                 })
        {
            Assert.Empty(await UsageOfAsync(vmId));
            Assert.Equal(new VmRow(status, through, hours), await GetVmRowAsync(vmId));
        }
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'UsageCharge'"));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_vm_a_request_holds_is_skipped_and_billed_by_the_next_run()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var held = await InsertVmAsync(customer, CurrentHour.AddHours(-1), name: "held");
        var free = await InsertVmAsync(customer, CurrentHour.AddHours(-1), name: "free");

        await using (var request = new NpgsqlConnection(Database.ConnectionString))
        {
            await request.OpenAsync();
            await using var transaction = await request.BeginTransactionAsync();
            await using (var lockVm = new NpgsqlCommand("SELECT 1 FROM vms WHERE id = $1 FOR UPDATE", request, transaction))
            {
                lockVm.Parameters.AddWithValue(held);
                await lockVm.ExecuteScalarAsync();
            }

            // The run neither waits for the held VM nor bills it.
            var whileHeld = await RunBillingAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal((1, 1L), (whileHeld.VmsBilled, whileHeld.HoursBilled));
            await transaction.RollbackAsync();
        }

        Assert.Empty(await UsageOfAsync(held));
        var next = await RunBillingAsync();
        Assert.Equal((1, 1L), (next.VmsBilled, next.HoursBilled));
        await AssertEachHourBilledOnceAsync([held, free], CurrentHour.AddHours(-1), CurrentHour);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_vm_whose_size_the_catalogue_does_not_price_is_left_unbilled_and_the_run_says_so()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var priced = await InsertVmAsync(customer, CurrentHour.AddHours(-1));
        var unpriced = await InsertVmAsync(customer, CurrentHour.AddHours(-1), size: "Gigantic");

        var summary = await RunBillingAsync();

        Assert.Equal(BillingRunSummary.Failed, summary.Status);
        Assert.Equal((1, 1L), (summary.VmsBilled, summary.HoursBilled));
        var error = Assert.Single(summary.Errors);
        Assert.Contains(unpriced.ToString(), error);
        Assert.Single(await UsageOfAsync(priced));
        Assert.Equal(new VmRow("Running", CurrentHour.AddHours(-1), 0), await GetVmRowAsync(unpriced));
        Assert.Equal(1L, await Database.CountAsync("billing_runs", "id = $1 AND status = 'Failed' AND error LIKE '%' || $2 || '%'",
            summary.RunId, unpriced.ToString()));
        await AssertLedgerReconcilesAsync();
    }
}
