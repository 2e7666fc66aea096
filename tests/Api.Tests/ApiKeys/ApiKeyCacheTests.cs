using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Security;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.ApiKeys;

/// <summary>
/// The API-key cache across nodes: two API hosts on one database, real parallel HTTP, the TTL at 300 s (a refresh
/// interval only). The node that revokes stops at once; every node on the NOTIFY the api_keys trigger sends on commit,
/// however the key was revoked; a node whose listener cannot prove it hears stops using its cache within
/// ApiKeyCache:MaxStalenessSeconds.
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
        var other = StartOtherNode(ttlSeconds: 300);
        await WaitForListenersAsync(2);
        var onOther = ClientOf(other, ops.Secret);
        await AssertServedFromCacheAsync(other, ops.Secret, customer.WalletId);

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys}/{ops.Id}"), HttpStatusCode.NoContent);

        var refusedAfter = await TimeUntilRefusedAsync(onOther, customer.WalletId, TimeSpan.FromSeconds(10));
        Assert.True(refusedAfter < TimeSpan.FromSeconds(2), $"refused after {refusedAfter}");
    }

    [Theory]
    [InlineData("UPDATE api_keys SET revoked_at = now() WHERE id = $1", false)]
    [InlineData("DELETE FROM api_keys WHERE id = $1", false)]
    // With ordinary triggers off (as a replication apply, a restore or a repair session runs): the announcement still goes out.
    [InlineData("UPDATE api_keys SET revoked_at = now() WHERE id = $1", true)]
    public async Task A_key_revoked_or_deleted_in_sql_behind_the_apis_back_is_refused_on_every_node_within_the_staleness_bound_not_the_ttl(
        string sql, bool asReplica)
    {
        var customer = await CreateCustomerAsync();
        var key = await CreateKeyAsync("Changed in SQL");
        var other = StartOtherNode(ttlSeconds: 300);
        await WaitForListenersAsync(2);
        // Both nodes serve the key from their cache (TTL 300 s): only an announcement can end that early.
        await AssertServedFromCacheAsync(Factory, key.Secret, customer.WalletId);
        await AssertServedFromCacheAsync(other, key.Secret, customer.WalletId);

        // A separate connection, no API call: no node evicts by itself; the trigger's NOTIFY is the only news.
        await using (var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            if (asReplica)
                await using (var replica = new Npgsql.NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, transaction))
                    await replica.ExecuteNonQueryAsync();
            await using (var change = new Npgsql.NpgsqlCommand(sql, connection, transaction))
            {
                change.Parameters.AddWithValue(key.Id);
                Assert.Equal(1, await change.ExecuteNonQueryAsync());
            }
            await transaction.CommitAsync();
        }

        var refused = await Task.WhenAll(new[] { Client(key.Secret), ClientOf(other, key.Secret) }
            .Select(client => TimeUntilRefusedAsync(client, customer.WalletId, TimeSpan.FromSeconds(15))));
        // MaxStalenessSeconds (3) is the bound; the NOTIFY is far quicker than that.
        Assert.All(refused, after => Assert.True(after < TimeSpan.FromSeconds(2), $"refused after {after}"));
    }

    [Fact]
    public async Task An_admin_key_demoted_to_ops_in_sql_loses_admin_rights_on_every_node_at_once_not_after_the_ttl()
    {
        var customer = await CreateCustomerAsync();
        var admin = await CreateKeyAsync("Demoted in SQL", role: "admin");
        var other = StartOtherNode(ttlSeconds: 300);
        await WaitForListenersAsync(2);
        await AssertServedFromCacheAsync(Factory, admin.Secret, customer.WalletId);
        await AssertServedFromCacheAsync(other, admin.Secret, customer.WalletId);
        await AssertStatus(await ClientOf(other, admin.Secret).GetAsync(Keys), HttpStatusCode.OK);

        await Database.ScalarAsync<int>("WITH d AS (UPDATE api_keys SET role = 'Ops' WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM d", admin.Id);

        foreach (var client in new[] { Client(admin.Secret), ClientOf(other, admin.Secret) })
        {
            var clock = Stopwatch.StartNew();
            while ((await client.GetAsync(Keys)).StatusCode != HttpStatusCode.Forbidden)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "the key kept its admin role for 2 s");
                await Task.Delay(50);
            }
        }
    }

    [Fact]
    public async Task A_node_whose_listener_cannot_hear_stops_using_its_cache_so_a_key_revoked_meanwhile_is_refused_within_the_staleness_bound()
    {
        var customer = await CreateCustomerAsync();
        var revoked = await CreateKeyAsync("Revoked while the listener is frozen");
        var kept = await CreateKeyAsync("Still valid");
        var other = StartOtherNode(ttlSeconds: 300, maxStalenessSeconds: 1);
        await WaitForListenersAsync(2);
        await AssertServedFromCacheAsync(other, revoked.Secret, customer.WalletId);
        var listeners = await ListenerPidsAsync();

        // The listening backends stop (SIGSTOP): their connections stay up, so no listener fails, reconnects or empties
        // its cache (a probe gives up only after ProbeTimeoutSeconds); the NOTIFY below is queued but never delivered.
        // Only the staleness gate can make the other node refuse the key before that.
        SignalBackends("STOP", listeners);
        try
        {
            var revokedAt = Stopwatch.StartNew();
            await Database.ScalarAsync<int>("WITH r AS (UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM r",
                revoked.Id);

            var refusedAfter = await TimeUntilRefusedAsync(ClientOf(other, revoked.Secret), customer.WalletId, TimeSpan.FromSeconds(15));
            Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(2.5), $"refused {revokedAt.Elapsed} after the revocation (asked for {refusedAfter})");
            Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(ApiKeyRevocationListener.ProbeTimeoutSeconds),
                "the bound must not come from the listener noticing its dead connection");
            // Still the frozen backends listening: no listener failed and reconnected (which would have emptied the cache).
            Assert.Empty(await ListenerPidsAsync(except: listeners));
            // The node still works, from the database.
            await AssertStatus(await ClientOf(other, kept.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
            Assert.False(other.Services.GetRequiredService<ApiKeyCache>().Trusted);
        }
        finally
        {
            SignalBackends("CONT", listeners);
        }
    }

    [Fact]
    public async Task A_new_key_works_at_once_on_every_node_even_one_that_refused_it_a_moment_before()
    {
        var customer = await CreateCustomerAsync();
        var other = StartOtherNode(ttlSeconds: 300);
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
        var other = StartOtherNode(ttlSeconds: 300);
        var killed = await WaitForListenersAsync(2);

        // As a database restart would: every listening backend is terminated.
        await Database.ScalarAsync<int>("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE pid = ANY($1)", killed);
        await WaitForListenersAsync(2, except: killed);
        var onOther = ClientOf(other, ops.Secret);
        await AssertServedFromCacheAsync(other, ops.Secret, customer.WalletId);

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys}/{ops.Id}"), HttpStatusCode.NoContent);

        var refusedAfter = await TimeUntilRefusedAsync(onOther, customer.WalletId, TimeSpan.FromSeconds(10));
        Assert.True(refusedAfter < TimeSpan.FromSeconds(2), $"refused after {refusedAfter}");
    }

    private ApiFactory StartOtherNode(double ttlSeconds, double maxStalenessSeconds = 3)
    {
        var node = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?>
            {
                ["ApiKeyCache:TtlSeconds"] = ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ApiKeyCache:MaxStalenessSeconds"] = maxStalenessSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        otherNodes.Add(node);
        return node;
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
            var pids = await ListenerPidsAsync(except);
            if (pids.Length >= count)
                return pids;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{pids.Length} of {count} nodes listening after 15 s");
            await Task.Delay(100);
        }
    }

    private async Task<int[]> ListenerPidsAsync(int[]? except = null)
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
        return [.. pids];
    }

    /// <summary>
    /// Asks with the key until the node answers it from its cache (the node's listener has confirmed it hears, and the key
    /// was stored), then asks once more: the precondition of every "refused long before the TTL" test.
    /// </summary>
    private static async Task AssertServedFromCacheAsync(ApiFactory node, string secret, Guid walletId)
    {
        var cache = node.Services.GetRequiredService<ApiKeyCache>();
        var hash = ApiKeyGenerator.Hash(secret);
        var client = ClientOf(node, secret);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await AssertStatus(await client.GetAsync($"/api/v1/wallets/{walletId}"), HttpStatusCode.OK);
            if (cache.TryGetByHash(hash, out _))
                break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the node never cached the key (is its listener confirming?)");
            await Task.Delay(50);
        }
        await AssertStatus(await client.GetAsync($"/api/v1/wallets/{walletId}"), HttpStatusCode.OK);
    }

    /// <summary>
    /// Sends SIGSTOP or SIGCONT to PostgreSQL backends: the test's own cluster runs as this user on this machine (with a
    /// database from ConnectionStrings__Wallet elsewhere this fails, saying so).
    /// </summary>
    private void SignalBackends(string signal, int[] pids)
    {
        Assert.True(Database.IsThrowaway, "freezing a backend needs the test run's own PostgreSQL cluster");
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))])
        {
            RedirectStandardError = true,
        })!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} failed: {kill.StandardError.ReadToEnd()}");
    }

    private sealed record CreatedKey(Guid Id, string Secret);

    private async Task<CreatedKey> CreateKeyAsync(string name, string role = "ops")
    {
        var response = await AdminClient().PostAsJsonAsync(Keys, new { name, role });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new CreatedKey(Guid.Parse((string)body["id"]!), (string)body["apiKey"]!);
    }
}
