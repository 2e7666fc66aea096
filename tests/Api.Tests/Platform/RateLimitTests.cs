using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Platform;

public sealed class RateLimitTests(TestDatabase database) : ApiTestBase(database)
{
    private const int Permits = 5;

    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:PermitsPerMinute"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:WindowSeconds"] = "2",
    });

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_and_recovers_after_the_window()
    {
        using var client = AdminClient();
        await WaitForFreshWindowAsync(client);

        for (var i = 0; i < Permits; i++)
            await AssertStatus(await client.GetAsync("/api/v1/customers"), HttpStatusCode.OK);
        // The next request is refused, unless a window boundary happens to fall just here: then the fresh budget runs out first.
        HttpResponseMessage limited;
        var extra = 0;
        do
            limited = await client.GetAsync("/api/v1/customers");
        while (limited.StatusCode == HttpStatusCode.OK && ++extra <= Permits);

        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);

        await Task.Delay(TimeSpan.FromSeconds(retryAfter + 0.5));
        await AssertStatus(await client.GetAsync("/api/v1/customers"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Each_key_has_its_own_budget_and_health_endpoints_are_not_limited()
    {
        var customer = await CreateCustomerAsync();
        using var admin = AdminClient();
        await WaitForFreshWindowAsync(admin);
        // Past its budget the key is refused (a window boundary falling within the burst gives it one fresh budget first:
        // on a busy machine the burst can outlast the 2 s window).
        HttpResponseMessage limited;
        var sent = 0;
        do
            limited = await admin.GetAsync("/api/v1/customers");
        while (limited.StatusCode == HttpStatusCode.OK && ++sent <= 2 * Permits);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        await AssertStatus(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
        using var anonymous = Client(apiKey: null);
        for (var i = 0; i < Permits * 3; i++)
            await AssertStatus(await anonymous.GetAsync("/health/live"), HttpStatusCode.OK);
    }

    /// <summary>Waits for a window in which this key has not been used yet, so the count starts at zero.</summary>
    private static async Task WaitForFreshWindowAsync(HttpClient client)
    {
        while ((await client.GetAsync("/api/v1/customers")).StatusCode != HttpStatusCode.TooManyRequests)
        {
        }
        await Task.Delay(TimeSpan.FromSeconds(2.2));
    }
}
