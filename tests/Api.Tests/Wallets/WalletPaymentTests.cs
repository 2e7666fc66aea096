using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

public sealed class WalletPaymentTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task Payment_debits_the_wallet_and_links_the_payment_and_its_entry_both_ways()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);

        var response = await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 30.25m, description = "Order 17", reference = "INV-17" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        var paymentId = (string)payment["id"]!;
        Assert.Equal($"/api/v1/payments/{paymentId}", response.Headers.Location?.OriginalString);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal("Wallet", (string?)payment["method"]);
        Assert.Equal(30.25m, (decimal)payment["amount"]!);
        Assert.Equal(69.75m, (decimal)payment["walletBalance"]!);
        Assert.Equal("INV-17", (string?)payment["reference"]);

        var entryId = (string)payment["ledgerEntryId"]!;
        var entry = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions/{entryId}"));
        Assert.Equal(2L, (long)entry["sequence"]!);
        Assert.Equal("Payment", (string?)entry["type"]);
        Assert.Equal("Debit", (string?)entry["direction"]);
        Assert.Equal(100m, (decimal)entry["balanceBefore"]!);
        Assert.Equal(69.75m, (decimal)entry["balanceAfter"]!);
        Assert.Equal("payment", (string?)entry["referenceType"]);
        Assert.Equal(paymentId, (string?)entry["referenceId"]);

        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(69.75m, (decimal)wallet["balance"]!);
        Assert.Equal(69.75m, (decimal)wallet["available"]!);

        var stored = await ReadJson(await client.GetAsync($"/api/v1/payments/{paymentId}"));
        Assert.Equal(entryId, (string?)stored["ledgerEntryId"]);
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND ledger_entry_id = $2 AND status = 'Paid'",
            Guid.Parse(paymentId), Guid.Parse(entryId)));
    }

    [Fact]
    public async Task Insufficient_funds_is_a_422_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var paymentsBefore = await Database.CountAsync("payments");
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 10.01m, description = "Too much" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(10.01m, (decimal)problem["required"]!);
        Assert.Equal(10m, (decimal)problem["available"]!);
        Assert.Equal(paymentsBefore, await Database.CountAsync("payments"));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(10m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task An_invoice_wallet_may_spend_down_to_minus_its_credit_limit_and_no_further()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 500m);
        var client = Client(customer.ApiKey);

        var withinLimit = await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 500m, description = "On credit" }));
        await AssertStatus(withinLimit, HttpStatusCode.Created);
        var beyond = await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 0.01m, description = "One cent more" }));
        await AssertProblem(beyond, HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(-500m, (decimal)wallet["balance"]!);
        Assert.Equal(0m, (decimal)wallet["available"]!);
        Assert.Equal(500m, (decimal)wallet["creditLimit"]!);
    }

    [Fact]
    public async Task Fifty_parallel_payments_on_a_wallet_holding_300_let_exactly_30_through()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 10m, description = $"Parallel {i}" }))));

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(20, refused.Count);
        foreach (var response in refused)
            await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        Assert.Equal(0m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        // Top-up is sequence 1; the 30 payments take 2..31 with no gap and no duplicate.
        var sequences = await Database.ScalarAsync<string>(
            "SELECT string_agg(sequence::text, ',' ORDER BY sequence) FROM ledger_entries WHERE wallet_id = $1", customer.WalletId);
        Assert.Equal(string.Join(',', Enumerable.Range(1, 31)), sequences);
        Assert.Equal(0m, await Database.ScalarAsync<decimal>(
            "SELECT w.balance - coalesce(sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END), 0) " +
            "FROM wallets w LEFT JOIN ledger_entries e ON e.wallet_id = w.id WHERE w.id = $1 GROUP BY w.balance", customer.WalletId));
        Assert.Equal(30L, await Database.CountAsync("payments p JOIN ledger_entries e ON e.id = p.ledger_entry_id AND e.reference_id = p.id",
            "p.method = 'Wallet' AND p.status = 'Paid' AND e.type = 'Payment'"));
        Assert.Equal(30L, await Database.CountAsync("payments", "method = 'Wallet'"));
    }

    [Fact]
    public async Task A_customer_cannot_see_or_pay_from_another_customers_wallet()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(bob.WalletId, 50m);
        var asAlice = Client(alice.ApiKey);

        await AssertProblem(await asAlice.GetAsync($"/api/v1/wallets/{bob.WalletId}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.GetAsync($"/api/v1/wallets/{bob.WalletId}/transactions"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/payments", new { amount = 1m, description = "Steal" })),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/top-ups", new { amount = 1m, cardToken = "tok_visa" })),
            HttpStatusCode.NotFound, "not_found");
        Assert.Equal(50m, (decimal)(await GetWalletAsync(bob.WalletId))["balance"]!);
    }
}
