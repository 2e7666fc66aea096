using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Npgsql;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// The hourly run bills each hour at the largest size the VM had in it, exactly as a request's settlement does; it
/// bills the hour a VM was stopped in; suspension takes effect at the run's cutoff; and its entries bear a time read
/// after it holds the wallet's lock.
/// </summary>
public sealed class BillingPeakPricingTests(TestDatabase database) : BillingTestBase(database)
{
    [Fact]
    public async Task The_run_bills_a_running_vms_open_hour_at_its_peak_and_the_later_hours_at_its_size()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-3), size: "Small", peakSize: "Enterprise", name: "db-1");

        var summary = await RunBillingAsync();

        Assert.Equal((1, 3L, 1.64m + 0.21m + 0.20m), (summary.VmsBilled, summary.HoursBilled, summary.AmountBilled));
        Assert.Equal("00 Enterprise 1.64, 01 Small 0.21, 02 Small 0.20", await UsageRowsOfAsync(vmId, CurrentHour.AddHours(-3)));
        Assert.Equal(("Small", "Small", 2L), await PeakAndRunOfAsync(vmId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries",
            "reference_id = $1 AND amount = 2.05 AND description = 'VM ''db-1'' (Enterprise then Small) usage: 3 hour(s), 2026-03-10 06:00 to 2026-03-10 09:00 UTC'",
            vmId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_vm_stopped_during_its_unbilled_hour_is_billed_for_that_hour_alone_at_its_peak_and_only_once()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var stopped = await InsertVmAsync(customer, CurrentHour.AddHours(-3), size: "Small", status: "Stopped", peakSize: "Large");
        var neverRan = await InsertVmAsync(customer, CurrentHour.AddHours(-3), size: "Small", status: "Stopped");

        var summary = await RunBillingAsync();
        var again = await RunBillingAsync();

        Assert.Equal((1, 1L, 0.82m), (summary.VmsBilled, summary.HoursBilled, summary.AmountBilled));
        Assert.Equal((0, 0L), (again.VmsBilled, again.HoursBilled));
        Assert.Equal("00 Large 0.82", await UsageRowsOfAsync(stopped, CurrentHour.AddHours(-3)));
        Assert.Equal(new VmRow("Stopped", CurrentHour.AddHours(-2), 1), await GetVmRowAsync(stopped));
        Assert.Equal((null, "Large", 1L), await PeakAndRunOfAsync(stopped));
        Assert.Empty(await UsageOfAsync(neverRan));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_vm_suspended_by_the_run_is_suspended_as_of_the_cutoff_so_the_hour_it_is_suspended_in_is_not_billed()
    {
        var customer = await CustomerWithFundsAsync(0.30m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-2));

        var summary = await RunBillingAsync();

        Assert.Equal((2L, 0.41m, 1), (summary.HoursBilled, summary.AmountBilled, summary.VmsSuspended));
        Assert.Equal(new VmRow("Suspended", CurrentHour, 2), await GetVmRowAsync(vmId));
        Assert.Equal((null, "Small", 2L), await PeakAndRunOfAsync(vmId));

        // Paid up and started two hours later: the hours while suspended are idle, never billed.
        await TopUpAsync(customer.WalletId, 200m);
        Clock.Now = CurrentHour.AddHours(2).AddMinutes(30);
        var started = await ReadJson(await SendAsync(customer, HttpMethod.Post, $"/api/v1/vms/{vmId}/start", HttpStatusCode.OK));
        Assert.Null(started["settled"]);
        Assert.Equal(1L, await Database.CountAsync("vm_idle_periods", "vm_id = $1 AND from_hour = $2 AND to_hour = $3",
            vmId, CurrentHour, CurrentHour.AddHours(2)));
        Clock.Now = CurrentHour.AddHours(3).AddMinutes(5);
        await RunBillingAsync();

        Assert.Equal("00 Small 0.21, 01 Small 0.20, 04 Small 0.21", await UsageRowsOfAsync(vmId, CurrentHour.AddHours(-2)));
        await AssertLedgerReconcilesAsync();
    }

    /// <summary>
    /// One VM lives through a scenario settled only by its own requests; a second lives through the same scenario a day
    /// later with the hourly run billing in between. Both must end with the same hours, sizes, amounts and idle hours.
    /// </summary>
    [Fact]
    public async Task The_run_and_the_requests_settlement_bill_the_same_scenario_identically()
    {
        var bySettlement = await CustomerWithFundsAsync(2000m, name: "Settled by requests");
        var byRuns = await CustomerWithFundsAsync(2000m, name: "Billed by runs");
        var firstBase = CurrentHour.AddHours(1);
        var secondBase = firstBase.AddDays(1);

        var settled = await PlayScenarioAsync(bySettlement, firstBase, runHourly: false);
        var billed = await PlayScenarioAsync(byRuns, secondBase, runHourly: true);

        const string expected = "00 Enterprise 1.64, 01 Small 0.21, 03 Large 0.82, 04 Large 0.82, 05 Large 0.83, 06 Medium 0.41, " +
                                "07 Small 0.21, 08 Small 0.20";
        Assert.Equal(expected, await UsageRowsOfAsync(settled, firstBase));
        Assert.Equal(expected, await UsageRowsOfAsync(billed, secondBase));
        Assert.Equal("02-03", await IdleOfAsync(settled, firstBase));
        Assert.Equal("02-03", await IdleOfAsync(billed, secondBase));
        Assert.Equal(await PeakAndRunOfAsync(settled), await PeakAndRunOfAsync(billed));
        Assert.Equal(0L, await Database.CountAsync("vm_usage", "vm_id = $1 AND billing_run_id IS NOT NULL", settled));
        Assert.Equal(7L, await Database.CountAsync("vm_usage", "vm_id = $1 AND billing_run_id IS NOT NULL", billed));
        Assert.Equal(await UsageChargedToAsync(bySettlement.WalletId), await UsageChargedToAsync(byRuns.WalletId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_run_that_waits_for_a_wallet_lock_stamps_its_entry_after_the_entry_written_before_it()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-1));
        var later = Clock.Now.AddMinutes(5);

        await using (var holder = await WalletLockHolder.LockAsync(Database, customer.WalletId))
        {
            var run = RunBillingAsync();
            await WalletLockHolder.WaitForAWaiterAsync(Database);
            // While the run waits, the lock holder writes an entry five minutes later, then commits.
            Clock.Now = later;
            await holder.WriteEntryAndCommitAsync(later);
            Assert.Equal(1L, (await run.WaitAsync(TimeSpan.FromSeconds(30))).HoursBilled);
        }

        // Ordered the same by sequence and by time.
        Assert.Equal(0L, await WalletLockHolder.EntriesOutOfTimeOrderAsync(Database, customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "reference_id = $1 AND created_at >= $2", vmId, later));
    }

    [Fact]
    public async Task A_run_on_a_node_whose_clock_is_behind_stamps_its_entry_no_earlier_than_the_wallets_last_entry()
    {
        // The top-up is written by a node whose clock reads 9:40; the billing node's clock reads 9:20.
        Clock.Now = Start.AddMinutes(20);
        var customer = await CustomerWithFundsAsync(100m);
        var topUpAt = Clock.Now;
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-1));
        Clock.Now = Start;

        Assert.Equal(1L, (await RunBillingAsync()).HoursBilled);

        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "reference_id = $1 AND created_at = $2", vmId, topUpAt));
        Assert.Equal(0L, await WalletLockHolder.EntriesOutOfTimeOrderAsync(Database, customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("wallets", "id = $1 AND last_entry_at = $2", customer.WalletId, topUpAt));
    }

    private async Task<Guid> PlayScenarioAsync(TestCustomer customer, DateTimeOffset baseHour, bool runHourly)
    {
        var steps = new (int Minute, Func<Guid, Task<Guid>> Act)[]
        {
            (20, async _ => Guid.Parse((string)(await ReadJson(await SendAsync(customer, HttpMethod.Post, "/api/v1/vms", HttpStatusCode.Created,
                new { walletId = customer.WalletId, name = "scenario", size = "Small" })))["id"]!)),
            (21, vm => ActAsync(customer, vm, "resize", new { size = "Enterprise" })),
            (59, vm => ActAsync(customer, vm, "resize", new { size = "Small" })),
            (90, vm => ActAsync(customer, vm, "stop")),
            (190, vm => ActAsync(customer, vm, "resize", new { size = "Large" })),
            (200, vm => ActAsync(customer, vm, "start")),
            (340, vm => ActAsync(customer, vm, "resize", new { size = "Medium" })),
            (390, vm => ActAsync(customer, vm, "resize", new { size = "Small" })),
            (490, async vm => { await SendAsync(customer, HttpMethod.Delete, $"/api/v1/vms/{vm}", HttpStatusCode.OK); return vm; }),
        };
        var vmId = Guid.Empty;
        var nextRun = 62;
        foreach (var (minute, act) in steps)
        {
            for (; runHourly && nextRun < minute; nextRun += 60)
            {
                Clock.Now = baseHour.AddMinutes(nextRun);
                Assert.Empty((await RunBillingAsync()).Errors);
            }
            Clock.Now = baseHour.AddMinutes(minute);
            vmId = await act(vmId);
        }
        return vmId;
    }

    private async Task<Guid> ActAsync(TestCustomer customer, Guid vmId, string action, object? body = null)
    {
        await SendAsync(customer, HttpMethod.Post, $"/api/v1/vms/{vmId}/{action}", HttpStatusCode.OK, body ?? new { });
        return vmId;
    }

    private async Task<HttpResponseMessage> SendAsync(TestCustomer customer, HttpMethod method, string url, HttpStatusCode expected,
        object? body = null)
    {
        var request = body is null ? new HttpRequestMessage(method, url) : Post(url, body);
        request.Method = method;
        var response = await Client(customer.ApiKey).SendAsync(request);
        await AssertStatus(response, expected);
        return response;
    }

    /// <summary>The VM's billed hours as "hh Size amount", hh counted from <paramref name="from"/>.</summary>
    private Task<string> UsageRowsOfAsync(Guid vmId, DateTimeOffset from) => Database.ScalarAsync<string>("""
        SELECT coalesce(string_agg(to_char(extract(epoch FROM hour_start - $2) / 3600, 'FM00') || ' ' || size || ' ' || amount::text,
                                   ', ' ORDER BY hour_start), '')
        FROM vm_usage WHERE vm_id = $1
        """, vmId, from);

    private Task<string> IdleOfAsync(Guid vmId, DateTimeOffset from) => Database.ScalarAsync<string>("""
        SELECT coalesce(string_agg(to_char(extract(epoch FROM from_hour - $2) / 3600, 'FM00') || '-' ||
                                   to_char(extract(epoch FROM to_hour - $2) / 3600, 'FM00'), ', ' ORDER BY from_hour), '')
        FROM vm_idle_periods WHERE vm_id = $1
        """, vmId, from);

    private async Task<(string? Peak, string? BilledSize, long Run)> PeakAndRunOfAsync(Guid vmId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT peak_size, billed_size, size_hours_billed FROM vms WHERE id = $1", connection);
        command.Parameters.AddWithValue(vmId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }
}
