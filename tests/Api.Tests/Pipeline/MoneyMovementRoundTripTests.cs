using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// What a money movement costs the database (<see cref="DatabaseCommandTrace"/>: the Npgsql commands of exactly the request
/// under test; COMMIT is not a command and is not counted). Each is the caller's second request
/// of its kind: what is looked up once per key or per connection is not the movement's cost.
/// </summary>
public sealed class MoneyMovementRoundTripTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_wallet_payment_is_three_round_trips_before_its_commit_and_each_statement_is_one_we_expect()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "round-trips-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = "Counted" }, "round-trips-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 3, Describe(sent));
        // The claim returns the transaction's id (for looking up a failed commit) with the claim.
        Assert.Contains("INSERT INTO idempotency_keys", sent[0]);
        Assert.Contains("pg_current_xact_id", sent[0]);
        Assert.Contains("FOR UPDATE", sent[1]);
        // One batch: the ledger entry, the payment, the wallet's new balance and the stored response. A payment writes them
        // by hand (the unit of work's NpgsqlBatch, which Npgsql traces as one command), not through SaveChanges.
        Assert.Contains("INSERT INTO ledger_entries", sent[2]);
        Assert.Contains("INSERT INTO payments", sent[2]);
        Assert.Contains("UPDATE wallets", sent[2]);
        Assert.Contains("UPDATE idempotency_keys", sent[2]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_is_the_claim_both_wallet_locks_in_one_statement_and_one_batch()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var client = Client(sender.ApiKey);
        await TopUpAsync(sender.WalletId, 100m, client);
        object Transfer(decimal amount) => new { fromWalletId = sender.WalletId, toWalletId = receiver.WalletId, amount, description = "Share" };
        await AssertStatus(await client.SendAsync(Post("/api/v1/transfers", Transfer(1m), "transfer-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post("/api/v1/transfers", Transfer(2m), "transfer-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 3, Describe(sent));
        Assert.Contains("INSERT INTO idempotency_keys", sent[0]);
        Assert.Contains("pg_current_xact_id", sent[0]);
        // Both wallets in one statement, in id order (so two opposite transfers cannot deadlock).
        Assert.Matches(@"ORDER BY \w+\.id\s+FOR UPDATE$", sent[1]);
        // The unit of work's hand-written write batch, as for a payment.
        Assert.Contains("INSERT INTO ledger_entries", sent[2]);
        Assert.Contains("INSERT INTO transfers", sent[2]);
        Assert.Contains("UPDATE wallets", sent[2]);
        Assert.Contains("UPDATE idempotency_keys", sent[2]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Placing_a_hold_is_the_claim_the_wallet_lock_and_one_batch()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        object Hold(decimal amount) => new { amount, description = "Hotel night", expiresInSeconds = 3600 };
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(1m), "hold-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(2m), "hold-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 3, Describe(sent));
        Assert.Contains("INSERT INTO idempotency_keys", sent[0]);
        Assert.Contains("FOR UPDATE", sent[1]);
        // The unit of work's hand-written write batch, as for a payment.
        Assert.Contains("INSERT INTO holds", sent[2]);
        Assert.Contains("UPDATE wallets", sent[2]);
        Assert.Contains("UPDATE idempotency_keys", sent[2]);
    }

    private static string Describe(string[] sent) => DatabaseCommandTrace.Describe(sent);

    /// <summary>Sends the request and returns the text of every Npgsql command sent for it, in order.</summary>
    private static async Task<string[]> CommandsOfAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        var (response, commands) = await DatabaseCommandTrace.SendAsync(client, request);
        await AssertStatus(response, expected);
        return commands;
    }
}
