using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.ApiKeys;
using Npgsql;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>Runs integrity checks through the API and corrupts the database behind the application's back.</summary>
public abstract class IntegrityTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected const string ChecksUrl = "/api/v1/admin/integrity-checks";

    /// <summary>POST a check as <paramref name="apiKey"/>; asserts the 201 and returns the report.</summary>
    protected async Task<JsonObject> RunCheckAsync(string apiKey = ApiFactory.AdminKey, string? mode = null)
    {
        var response = await Client(apiKey).PostAsync(mode is null ? ChecksUrl : $"{ChecksUrl}?mode={mode}", null);
        await AssertStatus(response, HttpStatusCode.Created);
        var report = await ReadJson(response);
        Assert.Equal($"{ChecksUrl}/{(string)report["id"]!}", response.Headers.Location?.OriginalString);
        return report;
    }

    /// <summary>An incremental check through the API (<c>?mode=incremental</c>); asserts the report says so.</summary>
    protected async Task<JsonObject> RunIncrementalCheckAsync()
    {
        var report = await RunCheckAsync(mode: "incremental");
        Assert.Equal("Incremental", (string?)report["mode"]);
        return report;
    }

    protected static JsonArray Issues(JsonObject report) => report["issues"]!.AsArray();

    /// <summary>The kinds reported for <paramref name="walletId"/>, sorted and without repeats.</summary>
    protected static string[] KindsOf(JsonObject report, Guid walletId) =>
        Issues(report).Where(i => Guid.Parse((string)i!["walletId"]!) == walletId).Select(i => (string)i!["kind"]!)
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    protected static JsonObject IssueOf(JsonObject report, Guid walletId, string kind) =>
        Issues(report).Select(i => i!.AsObject()).FirstOrDefault(i => Guid.Parse((string)i["walletId"]!) == walletId && (string?)i["kind"] == kind)
        ?? throw new Xunit.Sdk.XunitException($"No {kind} issue for wallet {walletId} in {report.ToJsonString()}");

    protected static void AssertNoIssues(JsonObject report)
    {
        if ((long)report["issueCount"]! != 0)
            Assert.Fail($"Expected a clean report but got {report.ToJsonString()}");
        Assert.Empty(Issues(report));
    }

    /// <summary>A customer who topped up 100.00 and paid 10.00, 20.00 and 30.00: entries 1 to 4, balance 40.00.</summary>
    protected async Task<(TestCustomer Customer, Guid[] PaymentIds)> CustomerWithPaymentsAsync(string name = "Acme")
    {
        var customer = await CreateCustomerAsync(name: name);
        await TopUpAsync(customer.WalletId, 100m);
        var payments = new List<Guid>();
        foreach (var amount in new[] { 10m, 20m, 30m })
            payments.Add(await PayAsync(customer, amount));
        return (customer, payments.ToArray());
    }

    protected async Task<Guid> PayAsync(TestCustomer customer, decimal amount, string description = "Purchase")
    {
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount, description }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    protected async Task<Guid> EntryIdAsync(Guid walletId, long sequence) =>
        await Database.ScalarAsync<Guid>("SELECT id FROM ledger_entries WHERE wallet_id = $1 AND sequence = $2", walletId, sequence);

    /// <summary>An operations key (inserted directly, as its endpoint belongs to another feature).</summary>
    protected async Task<string> CreateOpsKeyAsync()
    {
        var (key, hash, prefix) = ApiKeyGenerator.NewKey();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO api_keys (id, name, role, customer_id, key_hash, prefix, created_at) VALUES ($1, 'ops', 'Ops', NULL, $2, $3, now())",
            connection);
        command.Parameters.AddWithValue(Guid.NewGuid());
        command.Parameters.AddWithValue(hash);
        command.Parameters.AddWithValue(prefix);
        await command.ExecuteNonQueryAsync();
        return key;
    }

    /// <summary>
    /// Changes the database as no code path may: with <c>session_replication_role = replica</c> (for this transaction only)
    /// the append-only triggers and foreign keys are off; CHECK constraints still hold. Asserts that a row changed.
    /// </summary>
    protected async Task CorruptAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var replica = new NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, transaction))
            await replica.ExecuteNonQueryAsync();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            foreach (var parameter in parameters)
                command.Parameters.AddWithValue(parameter);
            Assert.True(await command.ExecuteNonQueryAsync() > 0, $"The corruption changed nothing: {sql}");
        }
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Charges <paramref name="hours"/> VM-hours of <paramref name="hourly"/> each to the wallet the way the billing run
    /// does (a VM, one UsageCharge entry referencing it, one vm_usage row per hour naming the entry), below zero if need be.
    /// Returns the VM id.
    /// </summary>
    protected async Task<Guid> ChargeUsageAsync(TestCustomer customer, decimal hourly, int hours)
    {
        var vmId = Guid.NewGuid();
        var entryId = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        string[] statements =
        [
            """
            INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, size_hours_billed, created_at, updated_at)
            VALUES ($1, $2, $3, 'web-1', 'Small', 'Running', date_trunc('hour', now()), $6, now() - make_interval(hours => $6), now())
            """,
            """
            INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                        reference_type, reference_id, description, actor, created_at)
            SELECT $4, w.id, w.last_sequence + 1, 'UsageCharge', 'Debit', $5 * $6, w.balance, w.balance - $5 * $6,
                   'vm_usage', $1, 'VM usage', 'system:billing', now()
            FROM wallets w WHERE w.id = $3
            """,
            "UPDATE wallets SET balance = balance - $5 * $6, last_sequence = last_sequence + 1 WHERE id = $3",
            """
            INSERT INTO vm_usage (vm_id, hour_start, size, amount, wallet_id, ledger_entry_id, billing_run_id, created_at)
            SELECT $1, date_trunc('hour', now()) - make_interval(hours => h), 'Small', $5, $3, $4, NULL, now()
            FROM generate_series(1, $6) AS h
            """,
        ];
        await using (var lockWallet = new NpgsqlCommand("SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockWallet.Parameters.AddWithValue(customer.WalletId);
            await lockWallet.ExecuteNonQueryAsync();
        }
        foreach (var sql in statements)
        {
            // Each statement is sent all six parameters; they are typed, so those it does not use are harmless.
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue(vmId);
            command.Parameters.AddWithValue(customer.CustomerId);
            command.Parameters.AddWithValue(customer.WalletId);
            command.Parameters.AddWithValue(entryId);
            command.Parameters.AddWithValue(hourly);
            command.Parameters.AddWithValue(hours);
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return vmId;
    }

    /// <summary>
    /// Takes the check lock on a connection of its own, as a running check does; disposing it lets go. Unpooled: a pooled
    /// connection going back to the pool keeps its session (and the lock) until its next use resets it.
    /// </summary>
    protected async Task<NpgsqlConnection> HoldCheckLockAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('integrity-check', 0))", connection);
        Assert.True((bool)(await command.ExecuteScalarAsync())!, "The integrity-check lock was taken already");
        return connection;
    }

    /// <summary>pg_locks rows of the check lock: held (granted) or waited for.</summary>
    protected Task<long> CheckLockRowsAsync(bool granted = true) => Database.ScalarAsync<long>("""
        SELECT count(*) FROM pg_locks
        WHERE locktype = 'advisory' AND granted = $1
          AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('integrity-check', 0)
        """, granted);

    protected async Task<JsonObject> GetJsonAsync(string url, string apiKey = ApiFactory.AdminKey)
    {
        var response = await Client(apiKey).GetAsync(url);
        await AssertStatus(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
