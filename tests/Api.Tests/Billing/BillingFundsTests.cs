using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Billing;

public sealed class BillingFundsTests(TestDatabase database) : BillingTestBase(database)
{
    [Fact]
    public async Task Usage_beyond_a_payg_wallets_funds_is_charged_the_vms_are_suspended_and_other_debits_refused_until_a_top_up()
    {
        var customer = await CustomerWithFundsAsync(1.00m);
        var web = await InsertVmAsync(customer, CurrentHour.AddHours(-5), size: "Medium", name: "web");
        var worker = await InsertVmAsync(customer, CurrentHour.AddHours(-1), name: "worker");
        var solvent = await CustomerWithFundsAsync(100m, name: "Solvent");
        var solventVm = await InsertVmAsync(solvent, CurrentHour.AddHours(-5), size: "Medium");

        var summary = await RunBillingAsync();

        // Medium 5 h = round(300 × 5 / 730) = 2.05, Small 1 h = 0.21: consumed, so charged in full although only 1.00 was there.
        Assert.Equal((3, 11L, 2.05m + 0.21m + 2.05m, 2), (summary.VmsBilled, summary.HoursBilled, summary.AmountBilled, summary.VmsSuspended));
        Assert.Equal(1.00m - 2.26m, await BalanceOfAsync(customer.WalletId));
        Assert.Equal(2.26m, await UsageChargedToAsync(customer.WalletId));
        Assert.Equal(new VmRow("Suspended", CurrentHour, 5), await GetVmRowAsync(web));
        Assert.Equal(new VmRow("Suspended", CurrentHour, 1), await GetVmRowAsync(worker));
        Assert.Equal(new VmRow("Running", CurrentHour, 5), await GetVmRowAsync(solventVm));
        Assert.Equal(1L, await Database.CountAsync("billing_runs", "id = $1 AND vms_suspended = 2", summary.RunId));

        var client = Client(customer.ApiKey);
        var refused = await client.SendAsync(WalletPayment(customer.WalletId, 0.01m));
        var problem = await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(-1.26m, (decimal)problem["available"]!);

        // Suspended VMs are not billed while suspended.
        Clock.Advance(TimeSpan.FromHours(2));
        var whileSuspended = await RunBillingAsync();
        Assert.Equal((1, 2L, 0), (whileSuspended.VmsBilled, whileSuspended.HoursBilled, whileSuspended.VmsSuspended));
        Assert.Equal(-1.26m, await BalanceOfAsync(customer.WalletId));

        await TopUpAsync(customer.WalletId, 5.00m, client);
        var paid = await client.SendAsync(WalletPayment(customer.WalletId, 3.74m));
        await AssertStatus(paid, HttpStatusCode.Created);
        Assert.Equal(0.00m, await BalanceOfAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task An_invoice_wallet_taken_past_its_credit_limit_is_suspended_and_one_still_within_it_is_not()
    {
        var pastLimit = await CreateCustomerAsync("Invoice", creditLimit: 1.00m, name: "Past limit");
        var pastLimitVm = await InsertVmAsync(pastLimit, CurrentHour.AddHours(-5), size: "Large");
        var withinLimit = await CreateCustomerAsync("Invoice", creditLimit: 10.00m, name: "Within limit");
        var withinLimitVm = await InsertVmAsync(withinLimit, CurrentHour.AddHours(-5), size: "Large");

        var summary = await RunBillingAsync();

        // Large 5 h = round(600 × 5 / 730) = 4.11: -4.11 is past a 1.00 limit and within a 10.00 one.
        Assert.Equal((2, 8.22m, 1), (summary.VmsBilled, summary.AmountBilled, summary.VmsSuspended));
        Assert.Equal(-4.11m, await BalanceOfAsync(pastLimit.WalletId));
        Assert.Equal("Suspended", (await GetVmRowAsync(pastLimitVm)).Status);
        Assert.Equal(-4.11m, await BalanceOfAsync(withinLimit.WalletId));
        Assert.Equal("Running", (await GetVmRowAsync(withinLimitVm)).Status);

        var refused = await Client(pastLimit.ApiKey).SendAsync(WalletPayment(pastLimit.WalletId, 0.01m));
        await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        var allowed = await Client(withinLimit.ApiKey).SendAsync(WalletPayment(withinLimit.WalletId, 5.89m));
        await AssertStatus(allowed, HttpStatusCode.Created);

        await TopUpAsync(pastLimit.WalletId, 3.12m);
        var afterTopUp = await Client(pastLimit.ApiKey).SendAsync(WalletPayment(pastLimit.WalletId, 0.01m));
        await AssertStatus(afterTopUp, HttpStatusCode.Created);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Usage_is_charged_to_a_frozen_wallet_because_it_was_consumed()
    {
        var customer = await CustomerWithFundsAsync(10m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-2));
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { reason = "Chargeback" })),
            HttpStatusCode.OK);

        var summary = await RunBillingAsync();

        Assert.Equal((1, 0.41m, 0), (summary.VmsBilled, summary.AmountBilled, summary.VmsSuspended));
        Assert.Equal(9.59m, await BalanceOfAsync(customer.WalletId));
        Assert.Equal("Frozen", (string?)(await GetWalletAsync(customer.WalletId))["status"]);
        Assert.Equal("Running", (await GetVmRowAsync(vmId)).Status);
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task Usage_does_not_count_towards_the_customers_daily_spending()
    {
        var customer = await CustomerWithFundsAsync(100m);
        await InsertVmAsync(customer, CurrentHour.AddHours(-24), size: "Enterprise");

        var summary = await RunBillingAsync();

        Assert.Equal(39.45m, summary.AmountBilled); // round(1200 × 24 / 730) = 39.45
        Assert.Equal(0m, await Database.ScalarAsync<decimal>("SELECT spent_on_spending_day FROM wallets WHERE id = $1", customer.WalletId));
        await AssertLedgerReconcilesAsync();
    }
}
