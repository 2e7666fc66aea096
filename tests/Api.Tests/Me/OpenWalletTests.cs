using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Me;

/// <summary>POST /customers/{id}/wallets: a customer holds at most one wallet per currency.</summary>
public sealed class OpenWalletTests(TestDatabase database) : ApiTestBase(database)
{
    private static string Url(Guid customerId) => $"/api/v1/customers/{customerId}/wallets";

    private static HttpRequestMessage Open(Guid customerId, string? currency, string? idempotencyKey = null) =>
        Post(Url(customerId), new { currency }, idempotencyKey);

    private Task<long> WalletCountAsync() => Database.CountAsync("wallets");

    [Fact]
    public async Task A_customer_opens_a_usd_wallet_and_tops_up_and_pays_in_it_without_touching_its_zar_wallet()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var client = Client(customer.ApiKey);

        var response = await client.SendAsync(Open(customer.CustomerId, "USD"));

        await AssertStatus(response, HttpStatusCode.Created);
        var wallet = await ReadJson(response);
        var usd = Guid.Parse((string)wallet["id"]!);
        Assert.Equal($"/api/v1/wallets/{usd}", response.Headers.Location?.OriginalString);
        Assert.Equal(customer.CustomerId.ToString(), (string?)wallet["customerId"]);
        Assert.Equal("USD", (string?)wallet["currency"]);
        Assert.Equal(0m, (decimal)wallet["balance"]!);
        Assert.Equal(0m, (decimal)wallet["held"]!);
        Assert.Equal(0m, (decimal)wallet["available"]!);
        Assert.Equal(0m, (decimal)wallet["creditLimit"]!);
        Assert.Equal("Active", (string?)wallet["status"]);
        var fetched = await client.GetAsync(response.Headers.Location);
        await AssertStatus(fetched, HttpStatusCode.OK);
        Assert.Equal(wallet.ToJsonString(), (await ReadJson(fetched)).ToJsonString());

        await TopUpAsync(usd, 50m, client);
        var payment = await client.PostAsJsonAsync($"/api/v1/wallets/{usd}/payments", new { amount = 20m, description = "VM hours" });
        await AssertStatus(payment, HttpStatusCode.Created);
        Assert.Equal("USD", (string?)(await ReadJson(payment))["currency"]);

        Assert.Equal(30m, (decimal)(await GetWalletAsync(usd))["balance"]!);
        Assert.Equal(10m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(30m, await Database.ScalarAsync<decimal>(
            "SELECT coalesce(sum(CASE WHEN direction = 'Credit' THEN amount ELSE -amount END), 0) FROM ledger_entries WHERE wallet_id = $1", usd));
        Assert.Equal(0L, await Database.CountAsync("audit_log", "action = 'wallet.open'")); // only admin actions are audited
    }

    [Fact]
    public async Task An_admin_opening_a_wallet_is_audited_with_the_wallet_it_made()
    {
        var customer = await CreateCustomerAsync();

        var response = await AdminClient().SendAsync(Open(customer.CustomerId, "EUR"));

        await AssertStatus(response, HttpStatusCode.Created);
        var walletId = Guid.Parse((string)(await ReadJson(response))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("audit_log",
            "action = 'wallet.open' AND target_type = 'wallet' AND target_id = $1 AND currency = 'EUR' AND actor = 'admin:bootstrap'", walletId));
    }

    [Fact]
    public async Task A_second_wallet_in_a_currency_already_held_is_a_409_wallet_exists_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Open(customer.CustomerId, "USD")), HttpStatusCode.Created);
        var before = await WalletCountAsync();

        var zar = await AssertProblem(await client.SendAsync(Open(customer.CustomerId, "ZAR")), HttpStatusCode.Conflict, "wallet_exists");
        Assert.Equal("ZAR", (string?)zar["currency"]);
        await AssertProblem(await AdminClient().SendAsync(Open(customer.CustomerId, "USD")), HttpStatusCode.Conflict, "wallet_exists");

        Assert.Equal(before, await WalletCountAsync());
        Assert.Equal(0L, await Database.CountAsync("audit_log", "action = 'wallet.open'"));
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData("ABC")]
    [InlineData("XAU")]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_invalid_currency_is_a_400_and_opens_nothing(string? currency)
    {
        var customer = await CreateCustomerAsync();
        var before = await WalletCountAsync();

        var problem = await AssertProblem(await Client(customer.ApiKey).SendAsync(Open(customer.CustomerId, currency)),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]!["currency"]);
        Assert.Equal(before, await WalletCountAsync());
    }

    [Fact]
    public async Task Another_customers_id_or_an_unknown_one_is_a_404_and_ops_is_a_403()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var created = await ReadJson(await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name = "night", role = "ops" })));
        var before = await WalletCountAsync();

        await AssertProblem(await Client(alice.ApiKey).SendAsync(Open(bob.CustomerId, "USD")), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client(alice.ApiKey).SendAsync(Open(Guid.NewGuid(), "USD")), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().SendAsync(Open(Guid.NewGuid(), "USD")), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client((string)created["apiKey"]!).SendAsync(Open(alice.CustomerId, "USD")), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Client(apiKey: null).SendAsync(Open(alice.CustomerId, "USD")), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Equal(before, await WalletCountAsync());
    }

    [Fact]
    public async Task Parallel_opens_of_one_currency_make_exactly_one_wallet_and_the_others_are_409()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(Open(customer.CustomerId, "USD"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var rejected in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertProblem(rejected, HttpStatusCode.Conflict, "wallet_exists");
        Assert.Equal(1L, await Database.CountAsync("wallets", "customer_id = $1 AND currency = 'USD'", customer.CustomerId));
    }

    [Fact]
    public async Task A_repeated_idempotency_key_replays_the_same_wallet_and_opens_no_other()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);

        var first = await client.SendAsync(Open(customer.CustomerId, "GBP", "open-gbp-1"));
        var again = await client.SendAsync(Open(customer.CustomerId, "GBP", "open-gbp-1"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(again, HttpStatusCode.Created);
        Assert.Equal((await ReadJson(first)).ToJsonString(), (await ReadJson(again)).ToJsonString());
        Assert.True(again.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(1L, await Database.CountAsync("wallets", "customer_id = $1 AND currency = 'GBP'", customer.CustomerId));
        await AssertProblem(await client.SendAsync(Open(customer.CustomerId, "EUR", "open-gbp-1")),
            HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task A_transfer_between_a_customers_own_wallets_of_different_currencies_is_a_422_currency_mismatch()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var usd = Guid.Parse((string)(await ReadJson(await client.SendAsync(Open(customer.CustomerId, "USD"))))["id"]!);
        await TopUpAsync(customer.WalletId, 50m);
        await TopUpAsync(usd, 50m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        await AssertProblem(await client.SendAsync(Post("/api/v1/transfers",
                new { fromWalletId = customer.WalletId, toWalletId = usd, amount = 10m, description = "Swap" })),
            HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        await AssertProblem(await client.SendAsync(Post("/api/v1/transfers",
                new { fromWalletId = usd, toWalletId = customer.WalletId, amount = 10m, description = "Swap" })),
            HttpStatusCode.UnprocessableEntity, "currency_mismatch");

        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("transfers"));
        Assert.Equal(50m, (decimal)(await GetWalletAsync(usd))["balance"]!);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }
}
