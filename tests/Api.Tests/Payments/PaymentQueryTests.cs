using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Payments;

public sealed class PaymentQueryTests(TestDatabase database) : ApiTestBase(database)
{
    // ---- GET /payments/{id} ----

    [Fact]
    public async Task The_owner_and_an_admin_read_a_payment_and_another_customer_gets_a_404()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var created = await CardPaymentAsync(alice, 19.95m, "Book");
        var url = $"/api/v1/payments/{(string)created["id"]!}";

        var own = await Client(alice.ApiKey).GetAsync(url);
        await AssertStatus(own, HttpStatusCode.OK);
        var payment = await ReadJson(own);
        Assert.Equal((string?)created["id"], (string?)payment["id"]);
        Assert.Equal(alice.CustomerId.ToString(), (string?)payment["customerId"]);
        Assert.Equal(19.95m, (decimal)payment["amount"]!);
        Assert.Equal("ZAR", (string?)payment["currency"]);
        Assert.Equal("Card", (string?)payment["method"]);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal("Book", (string?)payment["description"]);
        Assert.Null(payment["walletId"]);
        Assert.Null(payment["ledgerEntryId"]);
        // Stored timestamps have microsecond precision (see CardPaymentTests for the 201 answer's extra digit).
        Assert.Equal(Microseconds((string)created["createdAt"]!), Microseconds((string)payment["createdAt"]!));
        foreach (var field in new[] { "id", "customerId", "walletId", "amount", "currency", "method", "status", "ledgerEntryId", "description", "createdAt" })
            Assert.True(payment.ContainsKey(field), $"payment lacks '{field}': {payment.ToJsonString()}");

        var admin = await AdminClient().GetAsync(url);
        await AssertStatus(admin, HttpStatusCode.OK);
        Assert.Equal(payment.ToJsonString(), (await ReadJson(admin)).ToJsonString());

        await AssertProblem(await Client(bob.ApiKey).GetAsync(url), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_wallet_payment_reads_with_its_wallet_and_ledger_entry()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);
        var pay = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 12.5m, description = "Lunch", reference = "INV-7" }));
        await AssertStatus(pay, HttpStatusCode.Created);
        var id = (string)(await ReadJson(pay))["id"]!;

        var payment = await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/payments/{id}"));

        Assert.Equal("Wallet", (string?)payment["method"]);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)payment["walletId"]);
        Assert.Equal("INV-7", (string?)payment["reference"]);
        var entryId = (string)payment["ledgerEntryId"]!;
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "id = $1::uuid AND reference_id = $2::uuid AND type = 'Payment'", entryId, id));
        Assert.False(payment.ContainsKey("walletBalance"));
    }

    [Fact]
    public async Task An_unknown_payment_is_a_404_for_a_customer_and_an_admin()
    {
        var customer = await CreateCustomerAsync();
        await AssertProblem(await Client(customer.ApiKey).GetAsync($"/api/v1/payments/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/payments/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync("/api/v1/payments/not-a-guid"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Reading_payments_without_a_key_is_a_401()
    {
        var customer = await CreateCustomerAsync();
        var created = await CardPaymentAsync(customer, 1m, "x");
        await AssertProblem(await Client(apiKey: null).GetAsync($"/api/v1/payments/{(string)created["id"]!}"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await Client(apiKey: null).GetAsync("/api/v1/payments"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    // ---- GET /payments ----

    [Fact]
    public async Task A_customer_lists_only_its_own_payments_newest_first_and_an_admin_lists_all()
    {
        var (alice, bob) = await SeedAsync();

        var aliceList = await ListAsync(alice.ApiKey, "");
        Assert.Equal(1, (int)aliceList["page"]!);
        Assert.Equal(20, (int)aliceList["pageSize"]!);
        Assert.Equal(4, (int)aliceList["totalCount"]!);
        Assert.All(Items(aliceList), p => Assert.Equal(alice.CustomerId.ToString(), (string?)p["customerId"]));
        Assert.Equal(["Gift", "Declined", "Card top-up", "Card top-up"], Items(aliceList).Select(p => (string)p["description"]!));
        Assert.Equal([5m, 7m, 30m, 100m], Items(aliceList).Select(p => (decimal)p["amount"]!));

        var bobList = await ListAsync(bob.ApiKey, "");
        Assert.Equal(2, (int)bobList["totalCount"]!);
        Assert.All(Items(bobList), p => Assert.Equal(bob.CustomerId.ToString(), (string?)p["customerId"]));

        var adminList = await ListAsync(ApiFactory.AdminKey, "");
        Assert.Equal(6, (int)adminList["totalCount"]!);
        Assert.Equal(6, Items(adminList).Length);
    }

    [Fact]
    public async Task Payments_page_by_page()
    {
        var (alice, _) = await SeedAsync();
        var all = Items(await ListAsync(alice.ApiKey, "")).Select(p => (string)p["id"]!).ToArray();

        var page1 = await ListAsync(alice.ApiKey, "?page=1&pageSize=3");
        var page2 = await ListAsync(alice.ApiKey, "?page=2&pageSize=3");
        var page3 = await ListAsync(alice.ApiKey, "?page=3&pageSize=3");

        Assert.Equal(all[..3], Items(page1).Select(p => (string)p["id"]!));
        Assert.Equal(all[3..], Items(page2).Select(p => (string)p["id"]!));
        Assert.Empty(Items(page3));
        Assert.Equal(4, (int)page2["totalCount"]!);
        Assert.Equal(2, (int)page2["page"]!);
        Assert.Equal(3, (int)page2["pageSize"]!);
    }

    [Fact]
    public async Task Payments_filter_by_wallet()
    {
        var (alice, bob) = await SeedAsync();

        var aliceWallet = await ListAsync(alice.ApiKey, $"?walletId={alice.WalletId}");
        Assert.Equal(2, (int)aliceWallet["totalCount"]!);
        Assert.All(Items(aliceWallet), p => Assert.Equal(alice.WalletId.ToString(), (string?)p["walletId"]));

        var adminBobWallet = await ListAsync(ApiFactory.AdminKey, $"?walletId={bob.WalletId}");
        Assert.Equal(2, (int)adminBobWallet["totalCount"]!);
        Assert.All(Items(adminBobWallet), p => Assert.Equal(bob.CustomerId.ToString(), (string?)p["customerId"]));

        // Filtering by someone else's wallet shows nothing of theirs.
        var peeking = await ListAsync(alice.ApiKey, $"?walletId={bob.WalletId}");
        Assert.Equal(0, (int)peeking["totalCount"]!);
        Assert.Empty(Items(peeking));

        Assert.Equal(0, (int)(await ListAsync(ApiFactory.AdminKey, $"?walletId={Guid.NewGuid()}"))["totalCount"]!);
    }

    [Theory]
    [InlineData("Paid")]
    [InlineData("paid")]
    public async Task Payments_filter_by_paid_status(string status)
    {
        var (alice, _) = await SeedAsync();

        var paid = await ListAsync(alice.ApiKey, $"?status={status}");

        Assert.Equal(3, (int)paid["totalCount"]!);
        Assert.All(Items(paid), p => Assert.Equal("Paid", (string?)p["status"]));
    }

    [Fact]
    public async Task Payments_filter_by_failed_status_combined_with_wallet_and_paging()
    {
        var (alice, bob) = await SeedAsync();

        var failed = await ListAsync(alice.ApiKey, "?status=Failed");
        var failedPayment = Assert.Single(Items(failed));
        Assert.Equal("Failed", (string?)failedPayment["status"]);
        Assert.Equal("card_declined", (string?)failedPayment["failureCode"]);
        Assert.Equal(7m, (decimal)failedPayment["amount"]!);

        var adminFailed = await ListAsync(ApiFactory.AdminKey, "?status=FAILED");
        Assert.Equal(2, (int)adminFailed["totalCount"]!);

        var bobFailedOnWallet = await ListAsync(ApiFactory.AdminKey, $"?status=Failed&walletId={bob.WalletId}");
        Assert.Equal(1, (int)bobFailedOnWallet["totalCount"]!);
        Assert.Equal(bob.CustomerId.ToString(), (string?)Items(bobFailedOnWallet)[0]["customerId"]);

        var adminPaidPage = await ListAsync(ApiFactory.AdminKey, "?status=Paid&page=2&pageSize=3");
        Assert.Equal(4, (int)adminPaidPage["totalCount"]!);
        Assert.Single(Items(adminPaidPage));

        Assert.Equal(0, (int)(await ListAsync(ApiFactory.AdminKey, "?status=Refunded"))["totalCount"]!);
    }

    [Theory]
    [InlineData("?status=Bogus", "status")]
    [InlineData("?status=1", "status")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=0", "page")]
    public async Task Bad_payment_filters_are_a_400_naming_the_parameter(string query, string field)
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/payments{query}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task A_huge_page_number_is_not_a_server_error()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/payments?page={int.MaxValue}&pageSize=100");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Comma_joined_statuses_are_a_400()
    {
        var (alice, _) = await SeedAsync();
        var response = await Client(alice.ApiKey).GetAsync("/api/v1/payments?status=Paid,Failed");
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("status"), problem.ToJsonString());
    }

    [Fact]
    public async Task A_malformed_wallet_id_filter_is_a_400()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync("/api/v1/payments?walletId=abc");
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    // ---- helpers ----

    /// <summary>
    /// Alice: top-ups 100 and 30 (Paid, her wallet), a declined card payment of 7, a card payment of 5 — in that order.
    /// Bob: a top-up of 40 (Paid) and a declined top-up of 9 (Failed), both on his wallet.
    /// </summary>
    private async Task<(TestCustomer Alice, TestCustomer Bob)> SeedAsync()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 100m);
        await TopUpAsync(bob.WalletId, 40m);
        await TopUpAsync(alice.WalletId, 30m);
        await AssertProblem(await Client(bob.ApiKey).SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/top-ups",
            new { amount = 9m, cardToken = "tok_declined" })), HttpStatusCode.UnprocessableEntity, "card_declined");
        await AssertProblem(await Client(alice.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 7m, currency = "ZAR", cardToken = "tok_declined", description = "Declined" })), HttpStatusCode.UnprocessableEntity, "card_declined");
        await CardPaymentAsync(alice, 5m, "Gift");
        return (alice, bob);
    }

    private async Task<JsonObject> CardPaymentAsync(TestCustomer customer, decimal amount, string description)
    {
        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount, currency = "ZAR", cardToken = "tok_visa", description }));
        await AssertStatus(response, HttpStatusCode.Created);
        return await ReadJson(response);
    }

    private async Task<JsonObject> ListAsync(string apiKey, string query)
    {
        var response = await Client(apiKey).GetAsync($"/api/v1/payments{query}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    private static long Microseconds(string timestamp) =>
        DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture).UtcTicks / 10;

    private static JsonObject[] Items(JsonObject page) => page["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();
}
