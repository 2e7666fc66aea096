using System.Net;
using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// What a money movement costs the database (<see cref="DatabaseCommandTrace"/>: the Npgsql commands of exactly the request
/// under test; an EF Core transaction's COMMIT is not a command and is not counted, while a hand-written write batch's COMMIT
/// is a statement of that batch). Each is the caller's second request
/// of its kind: what is looked up once per key or per connection is not the movement's cost.
/// </summary>
public sealed class MoneyMovementRoundTripTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_wallet_payment_is_two_round_trips_its_commit_included_and_each_statement_is_one_we_expect()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "round-trips-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = "Counted" }, "round-trips-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        // The claim goes ahead of the wallet's lock, in the same command; it returns the transaction's id (for looking up
        // a failed commit) with the claim.
        AssertClaimThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // One batch: the ledger entry, the payment, the wallet's new balance, the stored response and the COMMIT. A payment
        // writes them by hand (the unit of work's NpgsqlBatch, which Npgsql traces as one command), not through SaveChanges,
        // so its COMMIT goes in the same round trip; each UPDATE is refused by the database unless it wrote one row.
        Assert.Contains("INSERT INTO ledger_entries", sent[1]);
        Assert.Contains("INSERT INTO payments", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        Assert.Contains("UPDATE idempotency_keys", sent[1]);
        Assert.Equal(2, Regex.Matches(sent[1], "expect_one_row").Count);
        Assert.EndsWith("\nCOMMIT", sent[1]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_is_the_claim_with_both_wallet_locks_in_one_command_and_one_batch_with_its_commit()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var client = Client(sender.ApiKey);
        await TopUpAsync(sender.WalletId, 100m, client);
        object Transfer(decimal amount) => new { fromWalletId = sender.WalletId, toWalletId = receiver.WalletId, amount, description = "Share" };
        await AssertStatus(await client.SendAsync(Post("/api/v1/transfers", Transfer(1m), "transfer-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post("/api/v1/transfers", Transfer(2m), "transfer-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertClaimThenLock(sent[0]);
        // Both wallets in one statement, in id order (so two opposite transfers cannot deadlock).
        Assert.Matches(@"ORDER BY \w+\.id\s+FOR UPDATE$", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        Assert.Contains("INSERT INTO ledger_entries", sent[1]);
        Assert.Contains("INSERT INTO transfers", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        Assert.Contains("UPDATE idempotency_keys", sent[1]);
        Assert.EndsWith("\nCOMMIT", sent[1]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Placing_a_hold_is_the_claim_with_the_wallet_lock_and_one_batch_with_its_commit()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        object Hold(decimal amount) => new { amount, description = "Hotel night", expiresInSeconds = 3600 };
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(1m), "hold-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(2m), "hold-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertClaimThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        Assert.Contains("INSERT INTO holds", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        Assert.Contains("UPDATE idempotency_keys", sent[1]);
        Assert.EndsWith("\nCOMMIT", sent[1]);
    }

    private static string Describe(string[] sent) => DatabaseCommandTrace.Describe(sent);

    /// <summary>The idempotency claim (returning the transaction's id) first, then the lock, in one command.</summary>
    private static void AssertClaimThenLock(string command)
    {
        Assert.StartsWith("INSERT INTO idempotency_keys", command);
        Assert.Contains("RETURNING pg_current_xact_id()::text;", command);
        Assert.True(command.IndexOf("RETURNING pg_current_xact_id", StringComparison.Ordinal) < command.IndexOf("FOR UPDATE", StringComparison.Ordinal),
            command);
    }

    /// <summary>Sends the request and returns the text of every Npgsql command sent for it, in order.</summary>
    private static async Task<string[]> CommandsOfAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        var (response, commands) = await DatabaseCommandTrace.SendAsync(client, request);
        await AssertStatus(response, expected);
        return commands;
    }
}
