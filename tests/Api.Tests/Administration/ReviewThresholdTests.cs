using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Administration;

public sealed class ReviewThresholdTests(TestDatabase database) : AdministrationTestBase(database)
{
    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Limits:ReviewThreshold"] = "100.00",
        ["Limits:DailyDebitLimit"] = "50.00",
    });

    [Fact]
    public async Task Adjustments_at_or_above_the_threshold_are_flagged_and_those_below_are_not()
    {
        var customer = await CreateCustomerAsync();

        await AdjustOkAsync(customer.WalletId, "credit", 99.99m, "just below");
        await AdjustOkAsync(customer.WalletId, "credit", 100m, "at the threshold");
        await AdjustOkAsync(customer.WalletId, "debit", 150m, "above the threshold");

        var flags = Items(await AuditAsync()).ToDictionary(e => (string)e!["reason"]!, e => (bool)e!["flaggedForReview"]!);
        Assert.False(flags["just below"]);
        Assert.True(flags["at the threshold"]);
        Assert.True(flags["above the threshold"]);
        Assert.Equal(2L, await Database.CountAsync("audit_log", "flagged_for_review"));
    }

    [Fact]
    public async Task The_daily_debit_limit_does_not_stop_an_admin_correction()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 200m);

        // 80 is over the wallet's daily debit limit of 50, but an admin correction is not customer spending.
        var adjustment = await AdjustOkAsync(customer.WalletId, "debit", 80m, "Reverse duplicate top-up");

        Assert.Equal(120m, (decimal)adjustment["walletBalance"]!);
    }
}
