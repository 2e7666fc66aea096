using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Payments;

public sealed class CardPaymentTests(TestDatabase database) : ApiTestBase(database)
{
    private const string Url = "/api/v1/payments/card";

    [Fact]
    public async Task A_customer_pays_by_card_without_touching_its_wallet()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 15m);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var response = await Client(customer.ApiKey).SendAsync(Post(Url,
            new { amount = 49.99m, currency = "USD", cardToken = "tok_visa", description = "Annual licence" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        var paymentId = Guid.Parse((string)payment["id"]!);
        Assert.Equal($"/api/v1/payments/{paymentId}", response.Headers.Location?.OriginalString);
        Assert.Equal(customer.CustomerId.ToString(), (string?)payment["customerId"]);
        Assert.Equal(49.99m, (decimal)payment["amount"]!);
        Assert.Equal("USD", (string?)payment["currency"]);
        Assert.Equal("Card", (string?)payment["method"]);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal("Annual licence", (string?)payment["description"]);
        Assert.Equal(0m, (decimal)payment["refundedAmount"]!);
        Assert.True(payment.ContainsKey("walletId"));
        Assert.Null(payment["walletId"]);
        Assert.True(payment.ContainsKey("ledgerEntryId"));
        Assert.Null(payment["ledgerEntryId"]);
        Assert.Null(payment["failureCode"]);
        Assert.False(payment.ContainsKey("walletBalance"));
        Assert.InRange(DateTimeOffset.Parse((string)payment["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture),
            before, DateTimeOffset.UtcNow.AddSeconds(5));

        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND customer_id = $2 AND wallet_id IS NULL AND ledger_entry_id IS NULL AND method = 'Card' AND status = 'Paid' " +
            "AND amount = 49.99 AND currency = 'USD' AND gateway_reference IS NOT NULL", paymentId, customer.CustomerId));
        // Only the top-up's entry exists; the card payment wrote none.
        Assert.Equal(1L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "reference_id = $1", paymentId));
        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(15m, (decimal)wallet["balance"]!);
        Assert.Equal(15m, (decimal)wallet["available"]!);
    }

    [Fact]
    public async Task The_created_answer_equals_what_reading_the_payment_answers()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post(Url,
            new { amount = 1m, currency = "ZAR", cardToken = "tok_visa", description = "Same" }));
        await AssertStatus(response, HttpStatusCode.Created);
        var created = await ReadJson(response);

        var read = await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/payments/{(string)created["id"]!}"));

        Assert.Equal(created.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task A_declined_card_is_a_422_card_declined_with_a_failed_payment_row()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(Url,
            new { amount = 12m, currency = "ZAR", cardToken = "tok_declined", description = "Will fail" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "card_declined");
        var paymentId = Guid.Parse((string)problem["paymentId"]!);
        Assert.Equal("Failed", (string?)problem["payment"]!["status"]);
        Assert.Equal(1L, await Database.CountAsync("payments"));
        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND customer_id = $2 AND status = 'Failed' AND failure_code = 'card_declined' AND wallet_id IS NULL AND ledger_entry_id IS NULL",
            paymentId, customer.CustomerId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        var stored = await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/payments/{paymentId}"));
        Assert.Equal("Failed", (string?)stored["status"]);
        Assert.Equal("card_declined", (string?)stored["failureCode"]);
    }

    [Fact]
    public async Task An_admin_must_name_the_customer()
    {
        await CreateCustomerAsync();

        var response = await AdminClient().SendAsync(Post(Url,
            new { amount = 10m, currency = "ZAR", cardToken = "tok_visa", description = "For whom?" }));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("customerId"), problem.ToJsonString());
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task An_admin_pays_by_card_for_a_named_customer()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");

        var response = await AdminClient().SendAsync(Post(Url,
            new { amount = 80m, currency = "ZAR", cardToken = "tok_visa", description = "Phone order", customerId = bob.CustomerId }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        Assert.Equal(bob.CustomerId.ToString(), (string?)payment["customerId"]);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Null(payment["walletId"]);
        Assert.Equal(1L, await Database.CountAsync("payments", "customer_id = $1", bob.CustomerId));
        Assert.Equal(0L, await Database.CountAsync("payments", "customer_id = $1", alice.CustomerId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
    }

    [Fact]
    public async Task An_admin_naming_an_unknown_customer_is_a_404()
    {
        var response = await AdminClient().SendAsync(Post(Url,
            new { amount = 10m, currency = "ZAR", cardToken = "tok_visa", description = "Nobody", customerId = Guid.NewGuid() }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_customer_naming_another_customer_is_a_404_and_charges_nothing()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");

        var response = await Client(alice.ApiKey).SendAsync(Post(Url,
            new { amount = 10m, currency = "ZAR", cardToken = "tok_visa", description = "On Bob", customerId = bob.CustomerId }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_customer_naming_itself_pays_for_itself()
    {
        var alice = await CreateCustomerAsync(name: "Alice");

        var response = await Client(alice.ApiKey).SendAsync(Post(Url,
            new { amount = 3.5m, currency = "ZAR", cardToken = "tok_visa", description = "Self", customerId = alice.CustomerId }));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(alice.CustomerId.ToString(), (string?)(await ReadJson(response))["customerId"]);
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "lower-case currency", """{"amount":10,"currency":"usd","cardToken":"tok_visa","description":"x"}""", "currency" },
        { "two-letter currency", """{"amount":10,"currency":"US","cardToken":"tok_visa","description":"x"}""", "currency" },
        { "missing currency", """{"amount":10,"cardToken":"tok_visa","description":"x"}""", "currency" },
        { "zero amount", """{"amount":0,"currency":"ZAR","cardToken":"tok_visa","description":"x"}""", "amount" },
        { "missing amount", """{"currency":"ZAR","cardToken":"tok_visa","description":"x"}""", "amount" },
        { "three decimals", """{"amount":1.001,"currency":"ZAR","cardToken":"tok_visa","description":"x"}""", "amount" },
        { "missing card token", """{"amount":10,"currency":"ZAR","description":"x"}""", "cardToken" },
        { "missing description", """{"amount":10,"currency":"ZAR","cardToken":"tok_visa"}""", "description" },
        { "description of 501 characters", $$"""{"amount":10,"currency":"ZAR","cardToken":"tok_visa","description":"{{new string('d', 501)}}"}""", "description" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_card_payments_are_a_400_naming_the_field_and_write_nothing(string why, string json, string field)
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(Url, json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"{why}: {problem.ToJsonString()}");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_card_payment_over_the_transaction_maximum_is_a_422_amount_over_limit()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(PostRaw(Url,
            """{"amount":1000000.01,"currency":"ZAR","cardToken":"tok_visa","description":"x"}"""));
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "amount_over_limit");
        Assert.Equal(1000000m, (decimal)problem["limit"]!);
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Theory]
    [InlineData("""{"amount":10,"currency":"ZAR","cardToken":"tok_visa","description":"x","walletId":"00000000-0000-0000-0000-000000000001"}""")]
    [InlineData("""{"amount":"10","currency":"ZAR","cardToken":"tok_visa","description":"x"}""")]
    [InlineData("""{"amount":10,"currency":"ZAR","cardToken":"tok_visa","description":"x","customerId":"not-a-guid"}""")]
    public async Task Malformed_card_payments_are_a_400_malformed_request(string json)
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(PostRaw(Url, json));
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_replay_with_the_same_idempotency_key_returns_the_same_payment_and_charges_once()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var body = new { amount = 25m, currency = "ZAR", cardToken = "tok_visa", description = "Once" };

        var first = await client.SendAsync(Post(Url, body, "card-once"));
        var second = await client.SendAsync(Post(Url, body, "card-once"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("payments"));

        // A new key is a new payment.
        await AssertStatus(await client.SendAsync(Post(Url, body, "card-twice")), HttpStatusCode.Created);
        Assert.Equal(2L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_amount_is_a_422()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Post(Url,
            new { amount = 25m, currency = "ZAR", cardToken = "tok_visa", description = "Once" }, "card-k")), HttpStatusCode.Created);

        var reused = await client.SendAsync(Post(Url,
            new { amount = 26m, currency = "ZAR", cardToken = "tok_visa", description = "Once" }, "card-k"));

        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task Paying_by_card_without_a_key_is_a_401()
    {
        var response = await Client(apiKey: null).PostAsJsonAsync(Url,
            new { amount = 10m, currency = "ZAR", cardToken = "tok_visa", description = "Anon" });
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }
}
