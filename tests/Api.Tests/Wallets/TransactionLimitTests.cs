using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

public sealed class TransactionLimitTests(TestDatabase database) : ApiTestBase(database)
{
    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Limits:MaxTransactionAmount"] = "500.00",
        ["Limits:DailyDebitLimit"] = "100.00",
    });

    [Fact]
    public async Task A_payment_over_the_transaction_maximum_is_a_422_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 500m);
        await TopUpAsync(customer.WalletId, 100m);
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 500.01m, description = "Too big" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "amount_over_limit");
        Assert.Equal(500m, (decimal)problem["limit"]!);
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
    }

    [Fact]
    public async Task A_top_up_over_the_transaction_maximum_is_a_422()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/top-ups",
            new { amount = 600m, cardToken = "tok_visa" }));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "amount_over_limit");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task Debits_beyond_the_daily_limit_are_refused_while_credits_still_land()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";

        await AssertStatus(await client.SendAsync(Post(url, new { amount = 60m, description = "Morning" })), HttpStatusCode.Created);
        await AssertStatus(await client.SendAsync(Post(url, new { amount = 40m, description = "Noon" })), HttpStatusCode.Created);
        var refused = await client.SendAsync(Post(url, new { amount = 0.01m, description = "One cent over" }));

        var problem = await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "daily_limit_exceeded");
        Assert.Equal(100m, (decimal)problem["spentToday"]!);
        Assert.Equal(200m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        await TopUpAsync(customer.WalletId, 10m, client);
        Assert.Equal(210m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Parallel_payments_cannot_together_exceed_the_daily_limit()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 10m, description = $"P{i}" }))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(400m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }
}
