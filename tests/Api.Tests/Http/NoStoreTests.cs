using System.Net;
using System.Net.Http.Headers;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Http;

/// <summary>
/// Every API answer is one caller's money, keys or request, so every one says <c>Cache-Control: no-store</c>:
/// successes, errors and 401s alike. The public documentation keeps its defaults.
/// </summary>
public sealed class NoStoreTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task Balances_wallet_lists_me_transactions_and_statements_answer_no_store()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 25m);
        using var client = Client(customer.ApiKey);
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var url in new[]
                 {
                     $"/api/v1/wallets/{customer.WalletId}", "/api/v1/wallets", "/api/v1/me",
                     $"/api/v1/wallets/{customer.WalletId}/transactions", $"/api/v1/wallets/{customer.WalletId}/statements/{month}",
                 })
        {
            var response = await client.GetAsync(url);
            await AssertStatus(response, HttpStatusCode.OK);
            AssertNoStore(response, url);
        }

        var csv = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/wallets/{customer.WalletId}/statements/{month}");
        csv.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await client.SendAsync(csv);
        await AssertStatus(csvResponse, HttpStatusCode.OK);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        AssertNoStore(csvResponse, "statement as CSV");
    }

    [Fact]
    public async Task Creating_an_api_key_whose_secret_is_shown_once_answers_no_store_and_so_does_listing_keys()
    {
        var created = await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name = "Night shift", role = "ops" }));
        await AssertStatus(created, HttpStatusCode.Created);
        Assert.NotNull((await ReadJson(created))["apiKey"]);
        AssertNoStore(created, "key creation");

        var customer = await CreateCustomerAsync();
        var customerKey = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/customers/{customer.CustomerId}/api-keys", new { name = "CI" }));
        await AssertStatus(customerKey, HttpStatusCode.Created);
        AssertNoStore(customerKey, "customer key creation");

        var listed = await AdminClient().GetAsync("/api/v1/admin/api-keys");
        await AssertStatus(listed, HttpStatusCode.OK);
        AssertNoStore(listed, "key list");
    }

    [Fact]
    public async Task Money_moving_answers_and_their_replays_answer_no_store()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);
        using var client = Client(customer.ApiKey);

        var paid = await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 5m, description = "x" }, "pay-1"));
        await AssertStatus(paid, HttpStatusCode.Created);
        AssertNoStore(paid, "payment");

        var replayed = await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 5m, description = "x" }, "pay-1"));
        await AssertStatus(replayed, HttpStatusCode.Created);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        AssertNoStore(replayed, "replayed payment");
    }

    [Fact]
    public async Task Error_answers_of_the_api_401_404_and_422_answer_no_store_too()
    {
        var customer = await CreateCustomerAsync();

        var unauthorized = await Client(apiKey: null).GetAsync($"/api/v1/wallets/{customer.WalletId}");
        await AssertProblem(unauthorized, HttpStatusCode.Unauthorized, "unauthorized");
        AssertNoStore(unauthorized, "401");

        var missing = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{Guid.NewGuid()}");
        await AssertProblem(missing, HttpStatusCode.NotFound, "not_found");
        AssertNoStore(missing, "404");

        var overdrawn = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 5m, description = "x" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overdrawn.StatusCode);
        AssertNoStore(overdrawn, "422");
    }

    [Fact]
    public async Task The_public_openapi_document_and_swagger_ui_are_not_marked_no_store()
    {
        using var anonymous = Client(apiKey: null);
        foreach (var url in new[] { "/openapi/v1.json", "/swagger/index.html" })
        {
            var response = await anonymous.GetAsync(url);
            await AssertStatus(response, HttpStatusCode.OK);
            Assert.False(response.Headers.CacheControl?.NoStore ?? false, url);
        }
    }

    private static void AssertNoStore(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.CacheControl?.NoStore ?? false, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
    }
}
