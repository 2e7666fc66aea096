using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Pipeline;

public sealed class BadInputTests(TestDatabase database) : ApiTestBase(database)
{
    public static TheoryData<string, string, string> BadPaymentBodies => new()
    {
        { "malformed JSON", """{"amount": 10, "description": """, "malformed_request" },
        { "not an object", "[1,2,3]", "malformed_request" },
        { "empty body", "", "malformed_request" },
        { "missing amount", """{"description":"x"}""", "validation_failed" },
        { "missing description", """{"amount": 5}""", "validation_failed" },
        { "negative", """{"amount": -5, "description":"x"}""", "validation_failed" },
        { "zero", """{"amount": 0, "description":"x"}""", "validation_failed" },
        { "three decimals", """{"amount": 1.005, "description":"x"}""", "validation_failed" },
        { "huge number", """{"amount": 1e40, "description":"x"}""", "malformed_request" },
        { "amount as string", """{"amount": "10", "description":"x"}""", "malformed_request" },
        { "amount as bool", """{"amount": true, "description":"x"}""", "malformed_request" },
        { "description as number", """{"amount": 1, "description": 5}""", "malformed_request" },
        { "unknown field", """{"amount": 1, "description":"x", "currency":"USD"}""", "malformed_request" },
        { "description too long", $$"""{"amount": 1, "description":"{{new string('d', 501)}}"}""", "validation_failed" },
        { "reference too long", $$"""{"amount": 1, "description":"x", "reference":"{{new string('r', 101)}}"}""", "validation_failed" },
    };

    [Theory]
    [MemberData(nameof(BadPaymentBodies))]
    public async Task Bad_payment_input_is_a_400_problem_and_writes_nothing(string why, string json, string code)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments", json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, code);
        Assert.True(code != "validation_failed" || problem["errors"] is not null, why);
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(1L, await Database.CountAsync("payments"));
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Validation_errors_name_each_field()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount": 1.234, "description": ""}"""));
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("amount"));
        Assert.True(errors.ContainsKey("description"));
    }

    [Fact]
    public async Task Paying_from_an_unknown_wallet_is_a_404()
    {
        var response = await AdminClient().SendAsync(Post($"/api/v1/wallets/{Guid.NewGuid()}/payments", new { amount = 1m, description = "x" }));
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_non_guid_wallet_id_is_a_404_problem()
    {
        var response = await AdminClient().GetAsync("/api/v1/wallets/not-a-guid");
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Bad_top_up_input_is_a_400()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await AssertProblem(await client.SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/top-ups", """{"amount": 10}""")),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/top-ups", """{"amount": 0.001, "cardToken":"tok_visa"}""")),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_body_that_is_too_large_is_a_413()
    {
        var customer = await CreateCustomerAsync();
        var json = $$"""{"amount": 1, "description":"{{new string('x', 70_000)}}"}""";
        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments", json));
        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Plain_text_instead_of_json_is_a_415()
    {
        var customer = await CreateCustomerAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/wallets/{customer.WalletId}/payments")
        {
            Content = new StringContent("amount=1", System.Text.Encoding.UTF8, "text/plain"),
        };
        var response = await Client(customer.ApiKey).SendAsync(request);
        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }
}
