using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanWallet.Api.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<TestDatabase>
{
    public const string Name = "api";
}

/// <summary>Each test class gets a running API and an empty database before every test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTestBase(TestDatabase database) : IAsyncLifetime
{
    protected TestDatabase Database { get; } = database;
    protected ApiFactory Factory { get; private set; } = null!;

    protected virtual ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString);

    public virtual async Task InitializeAsync()
    {
        Factory = CreateFactory();
        await Database.ResetAsync();
    }

    public virtual async Task DisposeAsync() => await Factory.DisposeAsync();

    protected HttpClient Client(string? apiKey = ApiFactory.AdminKey) => ClientOf(Factory, apiKey);

    /// <summary>A client of another host (e.g. a second API process on the same database), with the key as Bearer.</summary>
    protected static HttpClient ClientOf(ApiFactory factory, string? apiKey = ApiFactory.AdminKey)
    {
        var client = factory.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    protected HttpClient AdminClient() => Client();

    protected sealed record TestCustomer(Guid CustomerId, Guid WalletId, string ApiKey);

    protected async Task<TestCustomer> CreateCustomerAsync(string billingModel = "Payg", decimal? creditLimit = null, string name = "Acme")
    {
        var response = await AdminClient().PostAsJsonAsync("/api/v1/customers", new { name, billingModel, creditLimit });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return new TestCustomer(Guid.Parse((string)body!["customerId"]!), Guid.Parse((string)body["walletId"]!), (string)body["apiKey"]!);
    }

    protected async Task TopUpAsync(Guid walletId, decimal amount, HttpClient? client = null)
    {
        var response = await (client ?? AdminClient()).PostAsJsonAsync($"/api/v1/wallets/{walletId}/top-ups", new { amount, cardToken = "tok_visa" });
        await AssertStatus(response, HttpStatusCode.Created);
    }

    protected async Task<JsonObject> GetWalletAsync(Guid walletId)
    {
        var response = await AdminClient().GetAsync($"/api/v1/wallets/{walletId}");
        await AssertStatus(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    protected static HttpRequestMessage Post(string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    protected static HttpRequestMessage PostRaw(string url, string json) =>
        new(HttpMethod.Post, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    protected static async Task AssertStatus(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"Expected {(int)expected} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts a problem+json answer with the given status and stable code, and returns it.</summary>
    protected static async Task<JsonObject> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        await AssertStatus(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, (string?)body["code"]);
        Assert.Equal((int)status, (int?)body["status"]);
        var text = body.ToJsonString();
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        return body;
    }

    protected static async Task<JsonObject> ReadJson(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    /// <summary>
    /// The wallet's balance is as expected through the API and in its row, equals the sum of its ledger, and the ledger
    /// has the expected number of entries.
    /// </summary>
    protected async Task AssertWalletReconciles(Guid walletId, decimal expectedBalance, long expectedEntries)
    {
        Assert.Equal(expectedBalance, (decimal)(await GetWalletAsync(walletId))["balance"]!);
        Assert.Equal(expectedBalance, await Database.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", walletId));
        Assert.Equal(expectedEntries, await Database.CountAsync("ledger_entries", "wallet_id = $1", walletId));
        Assert.Equal(expectedBalance, await Database.ScalarAsync<decimal>("""
            SELECT coalesce(sum(CASE WHEN direction = 'Credit' THEN amount ELSE -amount END), 0)
            FROM ledger_entries WHERE wallet_id = $1
            """, walletId));
    }
}
