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
        await TopUpAsync(customer.WalletId, 100m);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "round-trips-0")), HttpStatusCode.Created);
        // A wallet this process has no copy of (its last movement was a card top-up, or another process's).
        await TopUpAsync(customer.WalletId, 10m);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = "Counted" }, "round-trips-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        // The key's lookup goes ahead of the wallet's lock, in the same command; it returns the transaction's id (for
        // looking up a failed commit) with it.
        AssertLookupThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // One batch: the wallet's new state (refused by the database unless every column is as read), the ledger entry,
        // the payment, the key with its response (claimed by this very INSERT) and the COMMIT. A payment writes them by
        // hand (the unit of work's NpgsqlBatch, which Npgsql traces as one command), not through SaveChanges, so its
        // COMMIT goes in the same round trip.
        AssertMovementBatch(sent[1], "INSERT INTO payments");
        Assert.Equal(107m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_wallet_payment_after_one_this_process_committed_is_one_round_trip_from_its_copy_of_the_wallet()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "one-trip-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = "Counted" }, "one-trip-1"), HttpStatusCode.Created);

        // No lookup, no lock read: the batch's first statement, the wallet's guarded UPDATE, takes the row lock and checks
        // that the row is still what the copy holds; the key's INSERT is its claim (a taken key fails the batch).
        Assert.True(sent.Length == 1, Describe(sent));
        AssertMovementBatch(sent[0], "INSERT INTO payments");
        Assert.DoesNotContain("FOR UPDATE", sent[0]);
        Assert.Equal(97m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task With_wallet_snapshots_off_every_payment_reads_its_wallet_under_the_lock_first()
    {
        await using var off = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Transactions:WalletSnapshots"] = "false" });
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        using var client = ClientOf(off, customer.ApiKey);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 1m, description = "Warm-up" }, "off-0")), HttpStatusCode.Created);

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = "Counted" }, "off-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertLookupThenLock(sent[0]);
        AssertMovementBatch(sent[1], "INSERT INTO payments");
    }

    [Fact]
    public async Task A_transfer_is_the_key_lookup_with_both_wallet_locks_in_one_command_and_one_batch_with_its_commit()
    {
        var (sender, _, client, transfer) = await FirstTransferAsync("transfer-0");
        // The sender's last movement is now a card top-up: this process has a copy of the receiver's wallet only.
        await TopUpAsync(sender.WalletId, 10m, client);

        var sent = await CommandsOfAsync(client, transfer(2m, "transfer-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertLookupThenLock(sent[0]);
        // Both wallets in one statement, in id order (so two opposite transfers cannot deadlock).
        Assert.Matches(@"ORDER BY \w+\.id\s+FOR UPDATE$", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        Assert.StartsWith("WITH written AS (UPDATE wallets", sent[1]);
        Assert.Equal(2, Regex.Matches(sent[1], "expect_one_row").Count);
        Assert.Contains("INSERT INTO ledger_entries", sent[1]);
        Assert.Contains("INSERT INTO transfers", sent[1]);
        AssertKeyClaimedAtCommit(sent[1]);
        Assert.EndsWith("\nCOMMIT", sent[1]);
        Assert.Equal(107m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_between_wallets_this_process_moved_last_is_one_round_trip_that_locks_both_in_id_order_first()
    {
        var (sender, receiver, client, transfer) = await FirstTransferAsync("copies-0");

        var sent = await CommandsOfAsync(client, transfer(2m, "copies-1"), HttpStatusCode.Created);

        // No lookup, no read: the batch locks both rows in the database's id order (as the read under the locks does), then
        // each wallet's guarded UPDATE checks that this process's copy is current, then the entries, the transfer, the key.
        Assert.True(sent.Length == 1, Describe(sent));
        Assert.StartsWith("SELECT count(*) FROM (SELECT FROM wallets WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE) locked", sent[0]);
        Assert.Equal(2, Regex.Matches(sent[0], "WITH written AS \\(UPDATE wallets").Count);
        Assert.Equal(2, Regex.Matches(sent[0], "expect_one_row").Count);
        Assert.Equal(2, Regex.Matches(sent[0], "INSERT INTO ledger_entries").Count);
        Assert.Contains("INSERT INTO transfers", sent[0]);
        AssertKeyClaimedAtCommit(sent[0]);
        Assert.EndsWith("\nCOMMIT", sent[0]);
        await AssertWalletReconciles(sender.WalletId, 97m, 3);
        await AssertWalletReconciles(receiver.WalletId, 3m, 2);
    }

    [Fact]
    public async Task Placing_a_hold_is_the_key_lookup_with_the_wallet_lock_and_one_batch_with_its_commit()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        object Hold(decimal amount) => new { amount, description = "Hotel night", expiresInSeconds = 3600 };
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(1m), "hold-0")), HttpStatusCode.Created);
        await TopUpAsync(customer.WalletId, 10m); // no copy of the wallet in this process: read under the lock

        var sent = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(2m), "hold-1"), HttpStatusCode.Created);

        Assert.True(sent.Length == 2, Describe(sent));
        AssertLookupThenLock(sent[0]);
        Assert.EndsWith("FOR UPDATE", sent[0]);
        // The unit of work's hand-written write batch with its COMMIT, as for a payment.
        AssertMovementBatch(sent[1], "INSERT INTO holds");

        // The next one starts from this process's copy of the wallet: the batch alone.
        var next = await CommandsOfAsync(client, Post($"/api/v1/wallets/{customer.WalletId}/holds", Hold(3m), "hold-2"), HttpStatusCode.Created);
        Assert.True(next.Length == 1, Describe(next));
        AssertMovementBatch(next[0], "INSERT INTO holds");
    }

    /// <summary>
    /// A sender with 100 topped up and a receiver, the sender's client, a transfer between them (amount, key), and a first
    /// transfer of 1 sent with <paramref name="key"/>: this process then holds copies of both wallets.
    /// </summary>
    private async Task<(TestCustomer Sender, TestCustomer Receiver, HttpClient Client, Func<decimal, string, HttpRequestMessage> Transfer)>
        FirstTransferAsync(string key)
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var client = Client(sender.ApiKey);
        await TopUpAsync(sender.WalletId, 100m, client);
        HttpRequestMessage Transfer(decimal amount, string idempotencyKey) => Post("/api/v1/transfers",
            new { fromWalletId = sender.WalletId, toWalletId = receiver.WalletId, amount, description = "Share" }, idempotencyKey);
        await AssertStatus(await client.SendAsync(Transfer(1m, key)), HttpStatusCode.Created);
        return (sender, receiver, client, Transfer);
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

    /// <summary>
    /// A movement's write batch: the wallet's UPDATE first (it takes or confirms the row lock, and is refused unless every
    /// column is as read: one <c>expect_one_row</c>), then the movement's rows, the key claimed with its response, COMMIT.
    /// </summary>
    private static void AssertMovementBatch(string batch, string movementInsert)
    {
        Assert.StartsWith("WITH written AS (UPDATE wallets", batch);
        Assert.Single(Regex.Matches(batch, "expect_one_row"));
        Assert.Contains(movementInsert, batch);
        AssertKeyClaimedAtCommit(batch);
        Assert.EndsWith("\nCOMMIT", batch);
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
