using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.ApiKeys;

/// <summary>An ops key watches: it reads what staff may read and is refused everything that moves money or grants access.</summary>
public sealed class OpsKeyPermissionTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task An_ops_key_reads_wallets_ledgers_and_payments_of_any_customer()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m, Client(customer.ApiKey));
        var payment = await PayFromWalletAsync(customer, 25m);
        var ops = Client(await CreateOpsKeyAsync());

        var wallet = await ops.GetAsync($"/api/v1/wallets/{customer.WalletId}");
        await AssertStatus(wallet, HttpStatusCode.OK);
        Assert.Equal(75m, (decimal)(await ReadJson(wallet))["balance"]!);

        var ledger = await ops.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions");
        await AssertStatus(ledger, HttpStatusCode.OK);
        Assert.Equal(2, (await ReadJson(ledger))["items"]!.AsArray().Count);

        await AssertStatus(await ops.GetAsync($"/api/v1/payments/{payment}"), HttpStatusCode.OK);
        await AssertStatus(await ops.GetAsync($"/api/v1/payments?walletId={customer.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Customer_records_and_the_audit_log_stay_admin_only()
    {
        // What Staff may read today: customer records and the audit log are behind the Admin policy, so ops is refused.
        var customer = await CreateCustomerAsync();
        var ops = Client(await CreateOpsKeyAsync());

        await AssertProblem(await ops.GetAsync($"/api/v1/customers/{customer.CustomerId}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.GetAsync("/api/v1/customers"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.GetAsync("/api/v1/admin/audit"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task An_ops_key_is_refused_every_endpoint_that_moves_money_or_grants_access_and_nothing_is_written()
    {
        var customer = await CreateCustomerAsync();
        var other = await CreateCustomerAsync(name: "Other");
        await TopUpAsync(customer.WalletId, 100m, Client(customer.ApiKey));
        var walletPayment = await PayFromWalletAsync(customer, 10m);
        var cardPayment = await PayByCardAsync(customer, 30m);
        var opsKey = await CreateOpsKeyAsync();
        var ops = Client(opsKey);
        var counts = await CountWritesAsync();
        var wallet = customer.WalletId;

        var attempts = new (string What, HttpRequestMessage Request)[]
        {
            ("top-up", Post($"/api/v1/wallets/{wallet}/top-ups", new { amount = 10m, cardToken = "tok_visa" }, "ops-1")),
            ("wallet payment", Post($"/api/v1/wallets/{wallet}/payments", new { amount = 5m, description = "Ops pays" }, "ops-2")),
            ("card payment", Post("/api/v1/payments/card",
                new { amount = 5m, currency = "ZAR", cardToken = "tok_visa", description = "Ops card", customerId = customer.CustomerId }, "ops-3")),
            ("refund of a wallet payment", Post($"/api/v1/payments/{walletPayment}/refunds", new { amount = 1m, reason = "Ops refund" })),
            ("refund of a card payment", Post($"/api/v1/payments/{cardPayment}/refunds", new { amount = 1m, reason = "Ops refund" })),
            ("transfer", Post("/api/v1/transfers",
                new { fromWalletId = wallet, toWalletId = other.WalletId, amount = 5m, description = "Ops moves" }, "ops-4")),
            ("credit adjustment", Post($"/api/v1/wallets/{wallet}/adjustments", new { direction = "Credit", amount = 5m, reason = "Ops credit" })),
            ("debit adjustment", Post($"/api/v1/wallets/{wallet}/adjustments", new { direction = "Debit", amount = 5m, reason = "Ops debit" })),
            ("freeze", Post($"/api/v1/wallets/{wallet}/freeze", new { reason = "Ops freeze" })),
            ("unfreeze", Post($"/api/v1/wallets/{wallet}/unfreeze", new { reason = "Ops unfreeze" })),
            ("order", Post("/api/v1/orders",
                new { walletId = wallet, amount = 5m, description = "Ops order", items = new[] { new { sku = "VM-S", quantity = 1, unitPrice = 5m } } },
                "ops-5")),
            ("order cancel", Post($"/api/v1/orders/{Guid.NewGuid()}/cancel", new { reason = "Ops cancel" })),
            ("order return", Post($"/api/v1/orders/{Guid.NewGuid()}/returns", new { amount = 1m, reason = "Ops return" })),
            ("customer creation", Post("/api/v1/customers", new { name = "Ops customer", billingModel = "Payg" })),
            ("ops key creation", Post("/api/v1/admin/api-keys", new { name = "Ops clone", role = "ops" })),
            ("admin key creation", Post("/api/v1/admin/api-keys", new { name = "Ops escalation", role = "admin" })),
            ("key revocation", new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/admin/api-keys/{Guid.NewGuid()}")),
            ("customer key creation", Post($"/api/v1/customers/{customer.CustomerId}/api-keys", new { name = "Ops access" })),
            ("customer key revocation", new HttpRequestMessage(HttpMethod.Delete,
                $"/api/v1/customers/{customer.CustomerId}/api-keys/{await CustomerKeyIdAsync(customer)}")),
        };

        foreach (var (what, request) in attempts)
        {
            var response = await ops.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden,
                $"{what}: expected 403, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(counts, await CountWritesAsync());
        var after = await GetWalletAsync(wallet);
        Assert.Equal(90m, (decimal)after["balance"]!);
        Assert.Equal("Active", (string?)after["status"]);
        // The refused requests claimed no idempotency keys either.
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "owner LIKE $1", "%" + await OpsKeyIdAsync(opsKey) + "%"));
    }

    private async Task<string> CreateOpsKeyAsync()
    {
        var response = await AdminClient().PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "Operations", role = "ops" });
        await AssertStatus(response, HttpStatusCode.Created);
        return (string)(await ReadJson(response))["apiKey"]!;
    }

    private async Task<string> CustomerKeyIdAsync(TestCustomer customer) =>
        await Database.ScalarAsync<string>("SELECT id::text FROM api_keys WHERE customer_id = $1", customer.CustomerId);

    private async Task<string> OpsKeyIdAsync(string secret) =>
        await Database.ScalarAsync<string>("SELECT id::text FROM api_keys WHERE prefix = $1 AND role = 'Ops'", secret[..10]);

    private async Task<Guid> PayFromWalletAsync(TestCustomer customer, decimal amount)
    {
        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount, description = "Customer pays" }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    private async Task<Guid> PayByCardAsync(TestCustomer customer, decimal amount)
    {
        var response = await Client(customer.ApiKey).SendAsync(
            Post("/api/v1/payments/card", new { amount, currency = "ZAR", cardToken = "tok_visa", description = "Card pays" }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    /// <summary>Every table a refused request could have written to.</summary>
    private async Task<long[]> CountWritesAsync()
    {
        string[] tables = ["ledger_entries", "payments", "refunds", "transfers", "adjustments", "orders", "customers", "wallets", "api_keys",
            "audit_log", "idempotency_keys"];
        var counts = new long[tables.Length];
        for (var i = 0; i < tables.Length; i++)
            counts[i] = await Database.CountAsync(tables[i]);
        return counts;
    }
}
