using System.Net;
using System.Net.Http.Headers;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Platform;

/// <summary>
/// The database stops, restarts, or dies in the middle of a commit. These tests stop a private cluster of their own, so
/// the shared test database is never disturbed.
/// </summary>
public sealed class DatabaseAvailabilityTests(TestDatabase database, PrivateDatabaseCluster cluster)
    : ApiTestBase(database), IClassFixture<PrivateDatabaseCluster>
{
    private readonly CommitFaults _faults = new();

    /// <summary>A short ride-out budget, so that a request against a stopped database gives up quickly.</summary>
    protected override ApiFactory CreateFactory() => StartApi(unavailableRetrySeconds: 1);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!cluster.IsRunning)
            await cluster.StartAsync();
    }

    [Fact]
    public async Task While_the_database_is_down_reads_and_money_posts_answer_503_database_unavailable_with_retry_after()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await cluster.StopAsync();

        var byCustomer = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}");
        var byAdmin = await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}");
        var paymentByAdmin = await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 25m, description = "Database down" }, "down-key"));
        var paymentByCustomer = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 25m, description = "Database down" }));

        foreach (var response in new[] { byCustomer, byAdmin, paymentByAdmin, paymentByCustomer })
        {
            await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "database_unavailable");
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        await cluster.StartAsync();
        Assert.Equal(0L, await cluster.ScalarAsync<long>("SELECT count(*) FROM payments WHERE method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        Assert.Equal(0L, await cluster.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = 'down-key'"));
        Assert.Equal(100m, await cluster.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", customer.WalletId));
    }

    [Fact]
    public async Task While_the_database_is_down_readiness_answers_503_unhealthy_and_recovers_after_the_restart()
    {
        using var anonymous = Client(apiKey: null);
        await AssertStatus(await anonymous.GetAsync("/health/ready"), HttpStatusCode.OK);
        await cluster.StopAsync();

        var down = await anonymous.GetAsync("/health/ready");

        await AssertStatus(down, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
        await AssertStatus(await anonymous.GetAsync("/health/live"), HttpStatusCode.OK);

        await cluster.StartAsync();
        await AssertStatus(await anonymous.GetAsync("/health/ready"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Commands_sent_while_the_database_restarts_ride_it_out_and_apply_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await using var patient = StartApi(unavailableRetrySeconds: 30);
        using var admin = AdminClientOf(patient);
        await cluster.StopAsync();

        var payments = Enumerable.Range(0, 3).Select(i => admin.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 10m, description = $"During restart {i}" }))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.All(payments, p => Assert.False(p.IsCompleted, "a command gave up while the database was down"));
        await cluster.StartAsync();
        var responses = await Task.WhenAll(payments);

        foreach (var response in responses)
            await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(3L, await cluster.ScalarAsync<long>("SELECT count(*) FROM payments WHERE method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        Assert.Equal(70m, await cluster.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", customer.WalletId));
        Assert.Equal(70m, await cluster.ScalarAsync<decimal>(
            "SELECT sum(CASE WHEN direction = 'Credit' THEN amount ELSE -amount END) FROM ledger_entries WHERE wallet_id = $1",
            customer.WalletId));
        // Reads work again at once: the dead pooled connections were dropped.
        await AssertStatus(await admin.GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_commit_whose_outcome_cannot_be_learned_is_a_503_commit_outcome_unknown_and_a_retry_with_its_key_applies_it_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await using var faulty = StartApi(unavailableRetrySeconds: 1, _faults);
        using var client = faulty.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        // The server commits, then dies before its answer arrives, and stays down while the outcome is asked.
        _faults.OnFault = cluster.StopAsync;
        _faults.Remaining = 1;

        var unknown = await client.SendAsync(Post(url, new { amount = 25m, description = "Outcome unknown" }, "unknown-key"));

        await AssertProblem(unknown, HttpStatusCode.ServiceUnavailable, "commit_outcome_unknown");
        Assert.NotNull(unknown.Headers.RetryAfter);
        Assert.Equal(1, _faults.Fired);
        await cluster.StartAsync();
        Assert.Equal(1L, await cluster.ScalarAsync<long>("SELECT count(*) FROM payments WHERE method = 'Wallet' AND wallet_id = $1", customer.WalletId));

        var retry = await client.SendAsync(Post(url, new { amount = 25m, description = "Outcome unknown" }, "unknown-key"));

        await AssertStatus(retry, HttpStatusCode.Created);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await cluster.ScalarAsync<long>("SELECT count(*) FROM payments WHERE method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        Assert.Equal(75m, await cluster.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", customer.WalletId));
    }

    private ApiFactory StartApi(double unavailableRetrySeconds, IInterceptor? interceptor = null) =>
        ApiFactory.StartOnKestrel(cluster.ConnectionString,
            interceptor is null ? null : services =>
            {
                services.AddSingleton<IInterceptor>(interceptor);
                if (interceptor is IWriteBatchInterceptor batchInterceptor)
                    services.AddSingleton(batchInterceptor);
            },
            new Dictionary<string, string?> { ["Transactions:UnavailableRetrySeconds"] = unavailableRetrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static HttpClient AdminClientOf(ApiFactory api)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        return client;
    }
}
