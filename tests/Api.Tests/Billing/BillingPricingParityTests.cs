using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// The two ways an hour gets billed — a stop/resize settling it in the domain, the hourly run in set-based SQL — take
/// their amounts from one definition (UsagePricing). Two identical VMs on two identical wallets go through the same
/// life, one settled only by its own stop and resize, the other billed only by the hourly run; every usage row and every
/// usage entry must come out the same.
/// </summary>
public sealed class BillingPricingParityTests(TestDatabase database) : BillingTestBase(database)
{
    [Fact]
    public async Task A_vm_settled_by_resize_and_stop_and_one_billed_by_the_hourly_run_produce_the_same_rows()
    {
        var settled = await CustomerWithFundsAsync(1000m, "Settled by requests");
        var billed = await CustomerWithFundsAsync(1000m, "Billed by the run");
        // 727 hours already billed at Small: the five hours due cross the end of a 730-hour pricing cycle.
        var fiveHoursAgo = CurrentHour.AddHours(-5);
        var settledVm = await InsertVmAsync(settled, fiveHoursAgo, "Small", sizeHoursBilled: 727);
        var billedVm = await InsertVmAsync(billed, fiveHoursAgo, "Small", sizeHoursBilled: 727);
        var settledClient = Client(settled.ApiKey);
        var billedClient = Client(billed.ApiKey);

        // 09:20: resizing the first settles its five ended hours; the run then bills the second's five (and has nothing
        // left to bill of the first), and the second's resize finds nothing to settle.
        await ActAsync(settledClient, settledVm, "resize", new { size = "Large" });
        var run = await RunBillingAsync();
        Assert.Equal(1, run.VmsBilled);
        await ActAsync(billedClient, billedVm, "resize", new { size = "Large" });

        // 13:30: stopping the first settles 09:00 at its peak (Large) and three more hours at Large; the run bills the
        // second's same four hours.
        Clock.Now = CurrentHour.AddHours(4).AddMinutes(30);
        await ActAsync(settledClient, settledVm, "stop");
        run = await RunBillingAsync();
        Assert.Equal(1, run.VmsBilled);

        var settledRows = await UsageRowsAsync(settledVm);
        var billedRows = await UsageRowsAsync(billedVm);
        Assert.Equal(9, settledRows.Count);
        Assert.Equal(settledRows, billedRows);
        Assert.Equal(await UsageEntriesAsync(settled.WalletId), await UsageEntriesAsync(billed.WalletId));
        Assert.Equal(await BalanceOfAsync(settled.WalletId), await BalanceOfAsync(billed.WalletId));
        await AssertLedgerReconcilesAsync();
    }

    private async Task ActAsync(HttpClient client, Guid vmId, string action, object? body = null)
    {
        var response = await client.SendAsync(Post($"/api/v1/vms/{vmId}/{action}", body ?? new { }));
        await AssertStatus(response, HttpStatusCode.OK);
    }

    private async Task<IReadOnlyList<string>> UsageRowsAsync(Guid vmId) =>
        (await Database.ScalarAsync<string[]>("""
            SELECT coalesce(array_agg(format('%s %s %s', to_char(hour_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), size, amount)
                                      ORDER BY hour_start), '{}')
            FROM vm_usage WHERE vm_id = $1
            """, vmId)).ToList();

    /// <summary>Every usage entry of a wallet, in order: sequence, amount, balances and the description a statement shows.</summary>
    private async Task<IReadOnlyList<string>> UsageEntriesAsync(Guid walletId) =>
        (await Database.ScalarAsync<string[]>("""
            SELECT coalesce(array_agg(format('%s %s %s %s %s', sequence, amount, balance_before, balance_after, description) ORDER BY sequence), '{}')
            FROM ledger_entries WHERE wallet_id = $1 AND type = 'UsageCharge'
            """, walletId)).ToList();
}
