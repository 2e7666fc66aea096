using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CleanWallet.Api.Security;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.ApiKeys;

/// <summary>
/// The API-key cache (ApiKeyCache:TtlSeconds) across nodes: two API hosts on one database, real parallel HTTP. The node
/// that revokes stops at once; the others on the NOTIFY, or within the TTL when they miss it.
/// </summary>
public sealed class ApiKeyCacheTests(TestDatabase database) : ApiTestBase(database)
{
    private const string Keys = "/api/v1/admin/api-keys";
    private readonly List<ApiFactory> otherNodes = [];

    public override async Task DisposeAsync()
    {
        foreach (var node in otherNodes)
            await node.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_key_revoked_during_parallel_use_is_refused_on_the_next_request_of_the_node_that_revoked_it()
    {
        var customer = await CreateCustomerAsync();
        var ops = await CreateKeyAsync("On call");
        var client = Client(ops.Secret);
        using var stop = new CancellationTokenSource();
        // Requests with the key keep the cache warm (and keep reading the database on misses) while it is revoked.
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                (await client.GetAsync($"/api/v1/wallets/{customer.WalletId}")).Dispose();
        })).ToArray();
        await Task.Delay(300);

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys}/{ops.Id}"), HttpStatusCode.NoContent);

        var after = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => client.GetAsync($"/api/v1/wallets/{customer.WalletId}")));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.All(after, response => Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode));
    }

    [Fact]
    public async Task Another_node_refuses_a_revoked_key_as_soon_as_it_hears_the_revocation_long_before_its_ttl()
    {
        var customer = await CreateCustomerAsync();
        var ops = await CreateKeyAsync("On call");
        var other = StartOtherNode(ttlSeconds: 600);
        await WaitForListenersAsync(2);
        var onOther = ClientOf(other, ops.Secret);
        await AssertStatus(await onOther.GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys}/{ops.Id}"), HttpStatusCode.NoContent);

        var refusedAfter = await TimeUntilRefusedAsync(onOther, customer.WalletId, TimeSpan.FromSeconds(10));
        Assert.True(refusedAfter < TimeSpan.FromSeconds(2), $"refused after {refusedAfter}");
    }

    [Fact]
    public async Task A_key_revoked_or_deleted_behind_the_apis_back_is_never_served_past_the_ttl()
    {
        var customer = await CreateCustomerAsync();
        var revoked = await CreateKeyAsync("Revoked in SQL");
        var deleted = await CreateKeyAsync("Deleted in SQL");
        var other = StartOtherNode(ttlSeconds: 2);
        var clients = new[] { Client(revoked.Secret), ClientOf(other, revoked.Secret), Client(deleted.Secret), ClientOf(other, deleted.Secret) };
        foreach (var client in clients)
            await AssertStatus(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);

        // No API call, so no eviction and no notification: only the TTL ends it (this node's TTL is the default 5 s).
        var changed = Stopwatch.StartNew();
        await Database.ScalarAsync<int>("WITH r AS (UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM r", revoked.Id);
        await Database.ScalarAsync<int>("WITH d AS (DELETE FROM api_keys WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM d", deleted.Id);

        var bounds = new[] { 5.0, 2.0, 5.0, 2.0 };
        var refused = await Task.WhenAll(clients.Select(client => TimeUntilRefusedAsync(client, customer.WalletId, TimeSpan.FromSeconds(15))));
        for (var i = 0; i < clients.Length; i++)
            Assert.True(refused[i] <= TimeSpan.FromSeconds(bounds[i] + 0.5), $"client {i} refused after {refused[i]} (TTL {bounds[i]} s)");
        Assert.True(changed.Elapsed < TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_new_key_works_at_once_on_every_node_even_one_that_refused_it_a_moment_before()
    {
        var customer = await CreateCustomerAsync();
        var other = StartOtherNode(ttlSeconds: 600);
        // A refusal is not cached: the same hash asked again after the key exists is looked up again.
        var unknown = "cw_not_yet_" + Guid.NewGuid().ToString("N");
        await AssertProblem(await ClientOf(other, unknown).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.Unauthorized,
            "unauthorized");

        var created = await CreateKeyAsync("New");

        await AssertStatus(await ClientOf(other, created.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
        await AssertStatus(await Client(created.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_revocation_listener_listens_again_after_its_connection_is_killed()
    {
        var customer = await CreateCustomerAsync();
        var ops = await CreateKeyAsync("On call");
        var other = StartOtherNode(ttlSeconds: 600);
        var killed = await WaitForListenersAsync(2);

        // As a database restart would: every listening backend is terminated.
        await Database.ScalarAsync<int>("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE pid = ANY($1)", killed);
        await WaitForListenersAsync(2, except: killed);
        var onOther = ClientOf(other, ops.Secret);
        await AssertStatus(await onOther.GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys}/{ops.Id}"), HttpStatusCode.NoContent);

        var refusedAfter = await TimeUntilRefusedAsync(onOther, customer.WalletId, TimeSpan.FromSeconds(10));
        Assert.True(refusedAfter < TimeSpan.FromSeconds(2), $"refused after {refusedAfter}");
    }

    private ApiFactory StartOtherNode(double ttlSeconds)
    {
        var node = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["ApiKeyCache:TtlSeconds"] = ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        otherNodes.Add(node);
        return node;
    }

    private static HttpClient ClientOf(ApiFactory node, string apiKey)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Asks every 50 ms until the key is refused; how long that took from the first ask.</summary>
    private static async Task<TimeSpan> TimeUntilRefusedAsync(HttpClient client, Guid walletId, TimeSpan giveUp)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < giveUp)
        {
            using var response = await client.GetAsync($"/api/v1/wallets/{walletId}");
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                return clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"the key was still accepted after {giveUp}");
    }

    /// <summary>Waits until <paramref name="count"/> backends (other than <paramref name="except"/>) LISTEN for revocations.</summary>
    private async Task<int[]> WaitForListenersAsync(int count, int[]? except = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND NOT (pid = ANY($2))", connection);
            command.Parameters.AddWithValue($"LISTEN {ApiKeyCacheOptions.Channel}");
            command.Parameters.AddWithValue(except ?? []);
            var pids = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    pids.Add(reader.GetInt32(0));
            if (pids.Count >= count)
                return [.. pids];
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{pids.Count} of {count} nodes listening after 15 s");
            await Task.Delay(100);
        }
    }

    private sealed record CreatedKey(Guid Id, string Secret);

    private async Task<CreatedKey> CreateKeyAsync(string name)
    {
        var response = await AdminClient().PostAsJsonAsync(Keys, new { name, role = "ops" });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new CreatedKey(Guid.Parse((string)body["id"]!), (string)body["apiKey"]!);
    }
}
