using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Holds;

/// <summary>Holds obey the per-transaction maximum and the daily spending limit like payments (small limits here).</summary>
public sealed class HoldLimitTests(TestDatabase database) : HoldsTestBase(database)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Limits:MaxTransactionAmount"] = "500.00",
        ["Limits:DailyDebitLimit"] = "800.00",
        ["Holds:MaxExpirySeconds"] = "600",
    };

    [Fact]
    public async Task A_hold_over_the_transaction_maximum_is_a_422_amount_over_limit()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        await TopUpAsync(customer.WalletId, 500m);

        await AssertProblem(await PlaceHold(customer, 500.01m), HttpStatusCode.UnprocessableEntity, "amount_over_limit");
        Assert.Equal(0L, await Database.CountAsync("holds"));
    }

    [Fact]
    public async Task Holds_count_towards_the_daily_limit_and_a_void_gives_it_back()
    {
        var customer = await CreateCustomerAsync();
        for (var i = 0; i < 3; i++)
            await TopUpAsync(customer.WalletId, 400m);
        var first = await PlaceHoldAsync(customer, 500m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 200m, description = "Paid today" })), HttpStatusCode.Created);

        await AssertProblem(await PlaceHold(customer, 100.01m), HttpStatusCode.UnprocessableEntity, "daily_limit_exceeded");
        await AssertStatus(await Void(first, customer.ApiKey), HttpStatusCode.OK);
        await PlaceHoldAsync(customer, 400m);
        Assert.Equal((1000m, 400m, 600m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task The_maximum_expiry_is_a_setting()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        await PlaceHoldAsync(customer, 1m, expiresInSeconds: 600);
        var problem = await AssertProblem(await PlaceHold(customer, 1m, expiresInSeconds: 601), HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["expiresInSeconds"]);
        // The default expiry (7 days) never outlasts the maximum.
        var hold = await ReadJson(await PlaceHold(customer, 1m));
        Assert.Equal(((DateTimeOffset)hold["createdAt"]!).AddSeconds(600), (DateTimeOffset)hold["expiresAt"]!);
    }
}
