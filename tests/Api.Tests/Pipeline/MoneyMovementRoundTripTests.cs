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
        // The key's lookup goes ahead of the wallet's lock, in the same command; it returns the transaction's id (for
        // looking up a failed commit) with it.
        AssertLookupThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // One batch: the ledger entry, the payment, the wallet's new balance, the key with its response (claimed by this
        // very INSERT) and the COMMIT. A payment writes them by hand (the unit of work's NpgsqlBatch, which Npgsql traces as
        // one command), not through SaveChanges, so its COMMIT goes in the same round trip; the UPDATE is refused by the
        // database unless it wrote one row.
        Assert.Contains("INSERT INTO ledger_entries", sent[1]);
        Assert.Contains("INSERT INTO payments", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        AssertKeyClaimedAtCommit(sent[1]);
        Assert.Single(Regex.Matches(sent[1], "expect_one_row"));
        Assert.EndsWith("\nCOMMIT", sent[1]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_is_the_key_lookup_with_both_wallet_locks_in_one_command_and_one_batch_with_its_commit()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var client = Client(sender.ApiKey);
        await TopUpAsync(sender.WalletId, 100m, client);
        object Transfer(decimal amount) => new { fromWalletId = sender.WalletId, toWalletId = receiver.WalletId, amount, description = "Share" };
        await AssertStatus(await client.SendAsync(Post("/api/v1/transfers", Transfer(1m), "transfer-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post("/api/v1/transfers", Transfer(2m), "transfer-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertLookupThenLock(sent[0]);
        // Both wallets in one statement, in id order (so two opposite transfers cannot deadlock).
        Assert.Matches(@"ORDER BY \w+\.id\s+FOR UPDATE$", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        Assert.Contains("INSERT INTO ledger_entries", sent[1]);
        Assert.Contains("INSERT INTO transfers", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        AssertKeyClaimedAtCommit(sent[1]);
        Assert.EndsWith("\nCOMMIT", sent[1]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Placing_a_hold_is_the_key_lookup_with_the_wallet_lock_and_one_batch_with_its_commit()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        object Hold(decimal amount) => new { amount, description = "Hotel night", expiresInSeconds = 3600 };
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(1m), "hold-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(2m), "hold-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertLookupThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        Assert.Contains("INSERT INTO holds", sent[1]);
        Assert.Contains("UPDATE wallets", sent[1]);
        AssertKeyClaimedAtCommit(sent[1]);
        Assert.EndsWith("\nCOMMIT", sent[1]);
    }

    private static string Describe(string[] sent) => DatabaseCommandTrace.Describe(sent);

    /// <summary>
    /// The idempotency key's lookup (a read, returning the transaction's id) first, then the lock, in one command: nothing
    /// is written to claim the key before the commit.
    /// </summary>
    private static void AssertLookupThenLock(string command)
    {
        Assert.StartsWith("SELECT pg_current_xact_id()::text", command);
        Assert.Contains("LEFT JOIN idempotency_keys", command);
        Assert.DoesNotContain("INSERT INTO idempotency_keys", command);
        Assert.True(command.IndexOf("idempotency_keys", StringComparison.Ordinal) < command.IndexOf("FOR UPDATE", StringComparison.Ordinal),
            command);
    }

    /// <summary>The key is written once, whole, with its response, in the commit's batch: no claim row updated later.</summary>
    private static void AssertKeyClaimedAtCommit(string batch)
    {
        Assert.Single(Regex.Matches(batch, "INSERT INTO idempotency_keys"));
        Assert.DoesNotContain("UPDATE idempotency_keys", batch);
    }

    /// <summary>Sends the request and returns the text of every Npgsql command sent for it, in order.</summary>
    private static async Task<string[]> CommandsOfAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        var (response, commands) = await DatabaseCommandTrace.SendAsync(client, request);
        await AssertStatus(response, expected);
        return commands;
    }
}
