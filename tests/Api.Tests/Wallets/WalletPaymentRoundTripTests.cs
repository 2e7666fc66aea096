using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

/// <summary>
/// What one wallet payment costs the database, counted from Npgsql's own tracing (one activity per command sent, a
/// batch being one command) for exactly the request under test: the request carries a traceparent of its own and only
/// Npgsql activities of that trace are counted. COMMIT is not a command and is not counted.
/// </summary>
public sealed class WalletPaymentRoundTripTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_wallet_payment_is_three_round_trips_before_its_commit_and_each_statement_is_one_we_expect()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        // The caller's first request: whatever is looked up once per key or per connection is not the payment's cost.
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "round-trips-0")), HttpStatusCode.Created);

        var traceId = ActivityTraceId.CreateRandom();
        var commands = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == traceId)
                    commands.Enqueue(activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string
                                     ?? activity.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var request = Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 2m, description = "Counted" }, "round-trips-1");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        await AssertStatus(await client.SendAsync(request), HttpStatusCode.Created);

        var sent = commands.ToArray();
        var described = string.Join("\n---\n", sent);
        Assert.True(sent.Length == 3, $"{sent.Length} commands:\n{described}");
        // The claim returns the transaction's id (for looking up a failed commit) with the claim.
        Assert.Contains("INSERT INTO idempotency_keys", sent[0]);
        Assert.Contains("pg_current_xact_id", sent[0]);
        Assert.Contains("FOR UPDATE", sent[1]);
        // One batch: the ledger entry, the payment, the wallet's new balance and the stored response.
        Assert.Contains("INSERT INTO ledger_entries", sent[2]);
        Assert.Contains("INSERT INTO payments", sent[2]);
        Assert.Contains("UPDATE wallets", sent[2]);
        Assert.Contains("UPDATE idempotency_keys", sent[2]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }
}
