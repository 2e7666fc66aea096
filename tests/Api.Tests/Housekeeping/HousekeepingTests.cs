using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Housekeeping.Commands.RunHousekeeping;
using CleanWallet.Application.Operations;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Housekeeping;

/// <summary>
/// The housekeeping job: run through the mediator as the job does (its own scope), and once through the real clustered
/// scheduler. Batches are made tiny so that every kind of work needs more than one.
/// </summary>
public sealed class HousekeepingTests(TestDatabase database) : ApiTestBase(database)
{
    private const int BatchSize = 3;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Housekeeping:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Housekeeping:IdempotencyKeyRetentionHours"] = "24",
    };

    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: Settings);

    [Fact]
    public async Task Idempotency_keys_past_the_retention_are_deleted_in_batches_and_younger_ones_kept()
    {
        // Two real keys from the API: one is aged past the retention, the other stays young and must still replay.
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        await AssertStatus(await client.SendAsync(Post(url, new { amount = 10m, description = "Old" }, "old-key")), HttpStatusCode.Created);
        await AssertStatus(await client.SendAsync(Post(url, new { amount = 5m, description = "Young" }, "young-key")), HttpStatusCode.Created);
        await Execute("UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 minute' WHERE key = 'old-key'");

        // Eight more past the retention (3 + 3 + 3 with the real one: the last full batch is followed by an empty one),
        // and three just inside it.
        await InsertIdempotencyKeysAsync("expired", 8, "25 hours");
        await InsertIdempotencyKeysAsync("recent", 3, "23 hours 59 minutes");

        var summary = await RunHousekeepingAsync();

        Assert.Equal(9, summary.IdempotencyKeysExpired);
        Assert.True(summary.IdempotencyKeysExpired > BatchSize);
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "created_at < now() - interval '24 hours'"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key = 'old-key' OR key LIKE 'expired-%'"));
        Assert.Equal(3L, await Database.CountAsync("idempotency_keys", "key LIKE 'recent-%'"));
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'young-key'"));

        // The young key still replays its answer; the expired one no longer protects anything (it was past the retention).
        var replay = await client.SendAsync(Post(url, new { amount = 5m, description = "Young" }, "young-key"));
        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(85m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        // Nothing is left to do: a second run is a no-op.
        Assert.Equal(new HousekeepingSummary(0, 0), await RunHousekeepingAsync());
    }

    [Fact]
    public async Task Old_pending_card_payments_are_left_to_reconciliation_and_never_failed_blindly()
    {
        // The card behind a Pending payment may have been charged: only the processor can say, so housekeeping keeps out.
        var customer = await CreateCustomerAsync();
        var old = await InsertPaymentAsync(customer, "Card", "Pending", "3 days");
        var oldFailed = await InsertPaymentAsync(customer, "Card", "Failed", "3 hours", failureCode: "card_declined");

        await RunHousekeepingAsync();

        Assert.Equal("Pending|", await PaymentStateAsync(old));
        Assert.Equal("Failed|card_declined", await PaymentStateAsync(oldFailed));
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND updated_at < now() - interval '2 days'", old));
    }

    [Fact]
    public async Task Runs_left_Running_by_a_node_that_stopped_checking_in_are_closed_as_Failed_and_no_others()
    {
        await EnsureSchedulerSchemaAsync();
        var lostNode = $"lost-node-{Guid.NewGuid():N}";
        var liveNode = $"live-node-{Guid.NewGuid():N}";
        var serverData = "{\"WorkerCount\":1,\"Queues\":[\"default\"],\"StartedAt\":\"" + DateTime.UtcNow.ToString("O") + "\"}";
        // A live node is on Hangfire's server roll under its id, ':' and what Hangfire appends.
        await Execute($"""
            INSERT INTO hangfire.server (id, data, lastheartbeat)
            VALUES ('{liveNode}:4242:{Guid.NewGuid()}', '{serverData}', now() AT TIME ZONE 'utc')
            """);
        try
        {
            var lostOld = await InsertJobRunAsync(lostNode, "Running", "11 minutes");
            var lostYoung = await InsertJobRunAsync(lostNode, "Running", "9 minutes");
            var liveOld = await InsertJobRunAsync(liveNode, "Running", "3 hours");
            var lostFinished = await InsertJobRunAsync(lostNode, "Succeeded", "2 hours");
            var billingLostOld = await InsertBillingRunAsync(lostNode, "Running", "1 hour");
            var billingLostYoung = await InsertBillingRunAsync(lostNode, "Running", "1 minute");
            var billingLiveOld = await InsertBillingRunAsync(liveNode, "Running", "2 hours");
            var billingLostFailed = await InsertBillingRunAsync(lostNode, "Failed", "5 hours");

            var summary = await RunHousekeepingAsync();

            Assert.Equal(2, summary.LostRunsClosed);
            Assert.Equal("Failed|closed|stopped checking in", await RunStateAsync("job_runs", lostOld));
            Assert.Equal("Running|open|", await RunStateAsync("job_runs", lostYoung));
            Assert.Equal("Running|open|", await RunStateAsync("job_runs", liveOld));
            Assert.Equal("Succeeded|closed|", await RunStateAsync("job_runs", lostFinished));
            Assert.Equal("Failed|closed|stopped checking in", await RunStateAsync("billing_runs", billingLostOld));
            Assert.Equal("Running|open|", await RunStateAsync("billing_runs", billingLostYoung));
            Assert.Equal("Running|open|", await RunStateAsync("billing_runs", billingLiveOld));
            Assert.Equal("Failed|closed|", await RunStateAsync("billing_runs", billingLostFailed));

            // Closed once: the next run finds nothing more to close.
            Assert.Equal(0, (await RunHousekeepingAsync()).LostRunsClosed);
        }
        finally
        {
            // Hangfire's tables survive the per-test reset: leave no phantom node on the roll.
            await Execute($"DELETE FROM hangfire.server WHERE starts_with(id, '{liveNode}:')");
        }
    }

    [Fact]
    public async Task The_real_scheduler_runs_the_job_on_demand_and_records_a_Succeeded_run_with_its_summary()
    {
        var customer = await CreateCustomerAsync();
        await InsertIdempotencyKeysAsync("expired", 4, "2 days");
        await InsertIdempotencyKeysAsync("young", 1, "1 hour");
        var stale = await InsertPaymentAsync(customer, "Card", "Pending", "45 minutes");

        await using var scheduled = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?>(Settings) { ["Scheduling:Enabled"] = "true" });
        var scheduler = scheduled.Services.GetRequiredService<IJobScheduler>();
        Assert.Contains(await scheduler.ListRecurringJobsAsync(CancellationToken.None), job => job.Name == "housekeeping");

        await scheduler.TriggerNowAsync("housekeeping", CancellationToken.None);

        var run = await WaitForManualRunAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", (string?)run["status"]);
        Assert.Null((string?)run["error"]);
        Assert.NotNull((string?)run["finished_at"]);
        var summary = JsonNode.Parse((string)run["summary"]!)!.AsObject();
        Assert.Equal(new[] { "idempotencyKeysExpired", "lostRunsClosed" },
            summary.Select(p => p.Key).Order(StringComparer.Ordinal));
        // The node that ran it is a live member of the cluster, under its own (generated) instance id.
        var node = (string)run["node_id"]!;
        Assert.Equal(1L, await Database.CountAsync("hangfire.server", "starts_with(id, $1 || ':')", node));

        // A scheduled (or misfire catch-up) run may have done part of the work first: the history adds up to all of it.
        var totals = await SucceededHousekeepingTotalsAsync();
        Assert.Equal((4L, 0L), totals);
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key LIKE 'expired-%'"));
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key LIKE 'young-%'"));
        // An old Pending card payment is the reconciliation job's, not housekeeping's.
        Assert.Equal("Pending|", await PaymentStateAsync(stale));
        Assert.Equal(0L, await Database.CountAsync("job_runs", "job_name = 'housekeeping' AND status <> 'Succeeded'"));

        // Unknown job names are a not-found, never a silent no-op.
        var unknown = await Assert.ThrowsAsync<CleanWallet.Domain.Common.DomainException>(() =>
            scheduler.TriggerNowAsync("no-such-job", CancellationToken.None));
        Assert.Equal("not_found", unknown.Code);
    }

    private async Task<HousekeepingSummary> RunHousekeepingAsync()
    {
        // As the job does it: a fresh scope, the request through the mediator (no HTTP request, no caller).
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunHousekeepingCommand());
    }

    private async Task<JsonObject> WaitForManualRunAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var connection = new NpgsqlConnection(Database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var query = new NpgsqlCommand("""
                    SELECT status, node_id, finished_at::text, summary::text, error FROM job_runs
                    WHERE job_name = 'housekeeping' AND trigger_name <> 'housekeeping.schedule' AND status <> 'Running'
                    ORDER BY started_at DESC LIMIT 1
                    """, connection);
                await using var reader = await query.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                    return new JsonObject
                    {
                        ["status"] = reader.GetString(0),
                        ["node_id"] = reader.GetString(1),
                        ["finished_at"] = reader.IsDBNull(2) ? null : reader.GetString(2),
                        ["summary"] = reader.IsDBNull(3) ? null : reader.GetString(3),
                        ["error"] = reader.IsDBNull(4) ? null : reader.GetString(4),
                    };
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No finished manual housekeeping run within {timeout.TotalSeconds:0} s.");
            await Task.Delay(250);
        }
    }

    private async Task<(long Keys, long Runs)> SucceededHousekeepingTotalsAsync()
    {
        var totals = await Database.ScalarAsync<string>("""
            SELECT coalesce(sum((summary->>'idempotencyKeysExpired')::bigint), 0) || '|' ||
                   coalesce(sum((summary->>'lostRunsClosed')::bigint), 0)
            FROM job_runs WHERE job_name = 'housekeeping' AND status = 'Succeeded'
            """);
        var parts = totals.Split('|').Select(long.Parse).ToArray();
        return (parts[0], parts[1]);
    }

    private async Task InsertIdempotencyKeysAsync(string prefix, int count, string age)
    {
        await Execute($"""
            INSERT INTO idempotency_keys (owner, key, request_hash, command, response_json, created_at)
            SELECT 'customer:housekeeping-test', '{prefix}-' || n, repeat('a', 64), 'PayFromWalletCommand', '[]',
                   now() - interval '{age}'
            FROM generate_series(1, {count}) AS n
            """);
    }

    private async Task<Guid> InsertPaymentAsync(TestCustomer customer, string method, string status, string age, string? failureCode = null)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO payments (id, customer_id, wallet_id, amount, currency, method, status, description, failure_code,
                                  created_at, updated_at)
            VALUES ($1, $2, $3, 12.50, 'ZAR', $4, $5, 'Housekeeping test', $6, now() - interval '{age}', now() - interval '{age}')
            """, connection);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(customer.CustomerId);
        insert.Parameters.AddWithValue(method == "Wallet" ? customer.WalletId : DBNull.Value);
        insert.Parameters.AddWithValue(method);
        insert.Parameters.AddWithValue(status);
        insert.Parameters.AddWithValue((object?)failureCode ?? DBNull.Value);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    private Task<string> PaymentStateAsync(Guid id) =>
        Database.ScalarAsync<string>("SELECT status || '|' || coalesce(failure_code, '') FROM payments WHERE id = $1", id);

    private async Task<Guid> InsertJobRunAsync(string node, string status, string age)
    {
        var id = Guid.NewGuid();
        var finished = status == "Running" ? "NULL" : "now()";
        await Execute($"""
            INSERT INTO job_runs (id, job_name, fire_instance_id, trigger_name, node_id, started_at, finished_at, status)
            VALUES ('{id}', 'billing', 'fire-{id:N}', 'billing.schedule', '{node}', now() - interval '{age}', {finished}, '{status}')
            """);
        return id;
    }

    private async Task<Guid> InsertBillingRunAsync(string node, string status, string age)
    {
        var id = Guid.NewGuid();
        var finished = status == "Running" ? "NULL" : "now()";
        await Execute($"""
            INSERT INTO billing_runs (id, billed_up_to, started_at, finished_at, status, node_id)
            VALUES ('{id}', date_trunc('hour', now()), now() - interval '{age}', {finished}, '{status}', '{node}')
            """);
        return id;
    }

    /// <summary>status|closed-or-open|"stopped checking in" when the error says the node was lost.</summary>
    private Task<string> RunStateAsync(string table, Guid id) =>
        Database.ScalarAsync<string>($"""
            SELECT status || '|' || CASE WHEN finished_at IS NULL THEN 'open' ELSE 'closed' END || '|' ||
                   CASE WHEN error LIKE '%stopped checking in%' THEN 'stopped checking in' ELSE coalesce(error, '') END
            FROM {table} WHERE id = $1
            """, id);

    /// <summary>Hangfire creates its schema when its storage is first used at start-up; make sure it exists before writing to it.</summary>
    private async Task EnsureSchedulerSchemaAsync()
    {
        var exists = await Database.ScalarAsync<bool>("SELECT to_regclass('hangfire.server') IS NOT NULL");
        Assert.True(exists, "The Hangfire schema should have been created at start-up.");
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
