using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// A payment (or hold) with an Idempotency-Key on a wallet whose last movement this process committed starts from that
/// copy of the wallet and takes the row lock with its guarded UPDATE at commit (WalletSnapshots in Infrastructure). The copy
/// may be out of date: another process, the top-up path, an operator or a job changed the row. Then nothing the copy
/// decided may stand, a refusal included: the command runs again on the row read under its lock.
/// </summary>
public sealed class WalletSnapshotTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly CommitFaults _faults = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services
            .AddSingleton<IInterceptor>(_faults).AddSingleton<IWriteBatchInterceptor>(_faults));

    private static HttpRequestMessage Pay(Guid walletId, decimal amount, string key) =>
        Post($"/api/v1/wallets/{walletId}/payments", new { amount, description = $"Pay {amount}" }, key);

    private static HttpRequestMessage Transfer(TestCustomer from, TestCustomer to, decimal amount, string key) =>
        Post("/api/v1/transfers", new { fromWalletId = from.WalletId, toWalletId = to.WalletId, amount, description = $"Transfer {amount}" }, key);

    /// <summary>
    /// A customer with 100 on its wallet, a client of this process with the customer's key, and a first payment of
    /// <paramref name="spent"/> through it: this process then holds the wallet's copy as that payment committed it.
    /// </summary>
    private async Task<(TestCustomer Customer, HttpClient Client)> CustomerWithCopyAsync(decimal spent, string key)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Pay(customer.WalletId, spent, key)), HttpStatusCode.Created);
        return (customer, client);
    }

    [Fact]
    public async Task A_payment_the_copy_would_allow_but_another_process_spent_the_money_for_is_refused_on_the_row()
    {
        var (customer, here) = await CustomerWithCopyAsync(10m, "here-1"); // copy: 90
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        using var there = ClientOf(other, customer.ApiKey);

        await AssertStatus(await there.SendAsync(Pay(customer.WalletId, 85m, "there-1")), HttpStatusCode.Created); // row: 5

        // The copy says 90 are there; the row says 5.
        var (response, sent) = await DatabaseCommandTrace.SendAsync(here, Pay(customer.WalletId, 10m, "here-2"));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        // It did start from the copy: the guarded UPDATE went first, alone with its writes, and found the row changed; then
        // the key's lookup and the wallet's row lock, and the refusal.
        Assert.True(sent.Length >= 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sent[0]);
        Assert.Contains("IS NOT DISTINCT FROM", sent[0]);
        Assert.StartsWith("SELECT pg_current_xact_id()::text", sent[1]);
        Assert.EndsWith("FOR UPDATE", sent[1]);

        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        await AssertWalletReconciles(customer.WalletId, 5m, 3);
        // The next payment here starts from the row again, and its copy is current after it.
        await AssertStatus(await here.SendAsync(Pay(customer.WalletId, 5m, "here-3")), HttpStatusCode.Created);
        await AssertWalletReconciles(customer.WalletId, 0m, 4);
    }

    [Fact]
    public async Task A_refusal_the_out_of_date_copy_would_give_is_not_given_the_payment_is_decided_on_the_row()
    {
        var (customer, client) = await CustomerWithCopyAsync(95m, "spend"); // copy: 5
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        // A card top-up through another process: the copy here still says 5.
        await TopUpAsync(customer.WalletId, 100m, ClientOf(other, ApiFactory.AdminKey));

        var response = await client.SendAsync(Pay(customer.WalletId, 50m, "after-top-up"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        await AssertWalletReconciles(customer.WalletId, 55m, 4);
    }

    [Fact]
    public async Task A_wallet_frozen_since_its_last_payment_refuses_the_next_one_though_the_copy_is_active()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "before-freeze");
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        // Frozen by an operator through another process: the copy here still says Active.
        await AssertStatus(await ClientOf(other, ApiFactory.AdminKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { reason = "Chargeback" })), HttpStatusCode.OK);

        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 10m, "after-freeze")), HttpStatusCode.UnprocessableEntity,
            "wallet_frozen");

        await AssertWalletReconciles(customer.WalletId, 90m, 2);
    }

    [Fact]
    public async Task A_top_up_in_this_process_drops_its_copy_so_the_next_payment_reads_the_row_at_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(95m, "spend"); // copy: 5
        await TopUpAsync(customer.WalletId, 100m);

        var (response, sent) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 50m, "after-top-up"));

        await AssertStatus(response, HttpStatusCode.Created);
        // No attempt from a copy: the key's lookup with the wallet's lock, then the batch.
        Assert.True(sent.Length == 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("SELECT pg_current_xact_id()::text", sent[0]);
        await AssertWalletReconciles(customer.WalletId, 55m, 4);
    }

    [Fact]
    public async Task A_key_sent_again_on_a_wallet_with_a_copy_is_replayed_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "first");
        var original = await client.SendAsync(Pay(customer.WalletId, 20m, "twice"));
        await AssertStatus(original, HttpStatusCode.Created);

        // From the copy the key is written without a lookup; its unique index refuses it, and the command runs again.
        var replay = await client.SendAsync(Pay(customer.WalletId, 20m, "twice"));

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await original.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        await AssertWalletReconciles(customer.WalletId, 70m, 3);
        // The same key for another request is still a conflict, not a payment.
        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 21m, "twice")), HttpStatusCode.UnprocessableEntity,
            "idempotency_key_reused");
        await AssertStatus(await client.SendAsync(Pay(customer.WalletId, 30m, "third")), HttpStatusCode.Created);
        await AssertWalletReconciles(customer.WalletId, 40m, 4);
    }

    [Fact]
    public async Task A_payment_from_a_copy_whose_commit_answer_is_lost_is_answered_from_its_key_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm");
        _faults.Remaining = 1; // the server commits; the answer is lost

        var response = await client.SendAsync(Pay(customer.WalletId, 25m, "lost-answer"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        var id = Guid.Parse((string)(await ReadJson(response))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND amount = 25", id));
        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        await AssertWalletReconciles(customer.WalletId, 65m, 3);
    }

    [Fact]
    public async Task A_payment_from_a_copy_whose_commit_never_reached_the_server_runs_again_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm");
        _faults.AfterCommit = false;
        _faults.Remaining = 1;

        var response = await client.SendAsync(Pay(customer.WalletId, 25m, "never-sent"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        await AssertWalletReconciles(customer.WalletId, 65m, 3);
    }

    private static HttpRequestMessage PlaceHold(Guid walletId, decimal amount, string key) =>
        Post($"/api/v1/wallets/{walletId}/holds", new { amount, description = $"Hold {amount}" }, key);

    private async Task AssertHeld(Guid walletId, decimal held) =>
        Assert.Equal(held, await Database.ScalarAsync<decimal>("SELECT held FROM wallets WHERE id = $1", walletId));

    [Fact]
    public async Task An_admins_hold_from_a_copy_is_audited_and_leaves_a_copy_the_next_payment_starts_from()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm"); // copy: 90

        // An admin's hold also writes a tracked audit entry: the batch (guarded UPDATE first), then EF Core's SaveChanges with
        // the audit entry and the key, then COMMIT.
        var (placed, sentForHold) = await DatabaseCommandTrace.SendAsync(AdminClient(), PlaceHold(customer.WalletId, 30m, "admin-hold"));

        await AssertStatus(placed, HttpStatusCode.Created);
        Assert.True(sentForHold.Length >= 2, DatabaseCommandTrace.Describe(sentForHold));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sentForHold[0]);
        Assert.Contains("IS NOT DISTINCT FROM", sentForHold[0]);
        Assert.Contains(sentForHold, command => command.Contains("INSERT INTO audit_log", StringComparison.Ordinal));
        var holdId = Guid.Parse((string)(await ReadJson(placed))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'hold.place' AND target_id = $1 AND amount = 30.00", holdId));
        await AssertHeld(customer.WalletId, 30m);

        // That commit kept the copy: the next payment is one batch from it, and is decided on what the hold left available.
        var (paid, sentForPayment) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 60m, "after-hold"));
        await AssertStatus(paid, HttpStatusCode.Created);
        Assert.True(sentForPayment.Length == 1, DatabaseCommandTrace.Describe(sentForPayment));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sentForPayment[0]);
        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 1m, "over-hold")), HttpStatusCode.UnprocessableEntity,
            "insufficient_funds");
        await AssertHeld(customer.WalletId, 30m);
        await AssertWalletReconciles(customer.WalletId, 30m, 3);
    }

    [Fact]
    public async Task An_admins_hold_from_an_out_of_date_copy_runs_again_on_the_row_and_is_placed_and_audited_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "here"); // copy: 90
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        await AssertStatus(await ClientOf(other, customer.ApiKey).SendAsync(Pay(customer.WalletId, 50m, "there")),
            HttpStatusCode.Created); // row: 40

        // The copy would allow 60; the row has 40 available. The attempt from the copy (guarded UPDATE first) is refused by
        // its guard, and the command runs again from the row under its lock.
        var (refused, sent) = await DatabaseCommandTrace.SendAsync(AdminClient(), PlaceHold(customer.WalletId, 60m, "too-much"));
        await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.True(sent.Length >= 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sent[0]);
        Assert.Contains(sent, command => command.EndsWith("FOR UPDATE", StringComparison.Ordinal));
        var placed = await AdminClient().SendAsync(PlaceHold(customer.WalletId, 40m, "all-of-it"));

        await AssertStatus(placed, HttpStatusCode.Created);
        Assert.Equal(1L, await Database.CountAsync("holds", "wallet_id = $1", customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'hold.place' AND amount = 40.00"));
        Assert.Equal(0L, await Database.CountAsync("audit_log", "action = 'hold.place' AND amount = 60.00"));
        await AssertHeld(customer.WalletId, 40m);
        await AssertWalletReconciles(customer.WalletId, 40m, 3);
    }

    [Fact]
    public async Task A_process_keeps_at_most_its_capacity_of_copies_then_drops_them_all_and_each_wallet_reads_its_row_again()
    {
        await using var small = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Transactions:WalletSnapshotCapacity"] = "2" });
        var customers = new List<TestCustomer>();
        for (var i = 0; i < 3; i++)
        {
            var customer = await CreateCustomerAsync(name: $"Capacity {i}");
            await TopUpAsync(customer.WalletId, 100m);
            customers.Add(customer);
        }
        async Task<string[]> PayAsync(TestCustomer customer, string key)
        {
            using var client = ClientOf(small, customer.ApiKey);
            var (response, sent) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 1m, key));
            await AssertStatus(response, HttpStatusCode.Created);
            return sent;
        }
        static bool FromCopy(string[] sent) => sent.Length == 1 && sent[0].StartsWith("WITH written AS (UPDATE wallets", StringComparison.Ordinal);

        // Wallets 0 and 1 fill the two places; wallet 0 is paid from its copy.
        Assert.False(FromCopy(await PayAsync(customers[0], "a0")));
        Assert.False(FromCopy(await PayAsync(customers[1], "a1")));
        Assert.True(FromCopy(await PayAsync(customers[0], "b0")));
        // Wallet 2's copy does not fit: both others are dropped.
        Assert.False(FromCopy(await PayAsync(customers[2], "a2")));
        Assert.False(FromCopy(await PayAsync(customers[1], "b1")));
        Assert.True(FromCopy(await PayAsync(customers[2], "b2")));
        foreach (var customer in customers)
            await AssertWalletReconciles(customer.WalletId, 98m, 3);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_capacity_below_one_stops_the_api_from_starting(string capacity)
    {
        var ex = Assert.ThrowsAny<Exception>(() => ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Transactions:WalletSnapshotCapacity"] = capacity }).Dispose());

        Assert.Contains("Transactions:WalletSnapshotCapacity", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_payments_on_one_wallet_through_two_processes_with_copies_spend_exactly_what_is_there()
    {
        // Both processes hold a copy, each out of date as soon as the other pays.
        var (customer, here) = await CustomerWithCopyAsync(1m, "here-warm");
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        using var there = ClientOf(other, customer.ApiKey);
        await AssertStatus(await there.SendAsync(Pay(customer.WalletId, 1m, "there-warm")), HttpStatusCode.Created);

        // 98 left; 30 payments of 4 (120) in parallel, half through each process: 24 can be paid, 6 cannot.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            (i % 2 == 0 ? here : there).SendAsync(Pay(customer.WalletId, 4m, $"parallel-{i}"))));

        var paid = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var refused = responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity);
        Assert.True(paid + refused == 30, string.Join(", ", responses.Select(r => (int)r.StatusCode)));
        Assert.Equal(24, paid);
        await AssertWalletReconciles(customer.WalletId, 2m, 3 + 24);
        Assert.Equal(26L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
    }

    /// <summary>Two customers, a sender and a receiver, with these amounts topped up on their wallets (no copy of either yet).</summary>
    private async Task<(TestCustomer Sender, TestCustomer Receiver)> SenderAndReceiverAsync(decimal senderFunds, decimal receiverFunds = 0m)
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, senderFunds);
        if (receiverFunds > 0)
            await TopUpAsync(receiver.WalletId, receiverFunds);
        return (sender, receiver);
    }

    [Fact]
    public async Task A_transfer_from_copies_whose_receiver_another_process_charged_runs_again_on_both_rows()
    {
        var (sender, receiver) = await SenderAndReceiverAsync(100m, 50m);
        var here = Client(sender.ApiKey);
        await AssertStatus(await here.SendAsync(Transfer(sender, receiver, 10m, "here-1")), HttpStatusCode.Created); // copies: 90, 60
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        using var there = ClientOf(other, receiver.ApiKey);
        await AssertStatus(await there.SendAsync(Pay(receiver.WalletId, 25m, "there-1")), HttpStatusCode.Created); // receiver's row: 35

        var (response, sent) = await DatabaseCommandTrace.SendAsync(here, Transfer(sender, receiver, 20m, "here-2"));

        await AssertStatus(response, HttpStatusCode.Created);
        // It started from the copies: the batch locked both rows, the sender's guard held, the receiver's found its row
        // changed, and nothing of the batch was kept; then the key's lookup with both rows read under their locks.
        Assert.True(sent.Length >= 3, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("SELECT count(*) FROM (SELECT FROM wallets", sent[0]);
        Assert.StartsWith("SELECT pg_current_xact_id()::text", sent[1]);
        Assert.EndsWith("FOR UPDATE", sent[1]);
        await AssertWalletReconciles(sender.WalletId, 70m, 3);
        await AssertWalletReconciles(receiver.WalletId, 55m, 4);
        Assert.Equal(2L, await Database.CountAsync("transfers", "from_wallet_id = $1", sender.WalletId));
    }

    [Fact]
    public async Task An_admins_transfer_from_copies_is_one_batch_then_its_audit_entry_and_is_audited_once()
    {
        var (sender, receiver) = await SenderAndReceiverAsync(100m);
        await AssertStatus(await AdminClient().SendAsync(Transfer(sender, receiver, 10m, "admin-1")), HttpStatusCode.Created);

        var (response, sent) = await DatabaseCommandTrace.SendAsync(AdminClient(), Transfer(sender, receiver, 20m, "admin-2"));

        await AssertStatus(response, HttpStatusCode.Created);
        // From the copies: the batch (both locks in id order, the guarded UPDATEs, the entries, the transfer), then EF Core's
        // SaveChanges with the tracked audit entry and the key; no lookup, no read under the locks.
        Assert.StartsWith("SELECT count(*) FROM (SELECT FROM wallets", sent[0]);
        Assert.Contains("INSERT INTO transfers", sent[0]);
        Assert.DoesNotContain(sent, command => command.EndsWith("FOR UPDATE", StringComparison.Ordinal));
        Assert.Contains(sent, command => command.Contains("INSERT INTO audit_log", StringComparison.Ordinal));
        var transferId = Guid.Parse((string)(await ReadJson(response))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'transfer.create' AND target_id = $1 AND amount = 20.00", transferId));
        await AssertWalletReconciles(sender.WalletId, 70m, 3);
        await AssertWalletReconciles(receiver.WalletId, 30m, 2);
    }

    [Fact]
    public async Task A_transfer_the_senders_out_of_date_copy_would_refuse_is_decided_on_the_row_and_made()
    {
        var (sender, receiver) = await SenderAndReceiverAsync(100m);
        var here = Client(sender.ApiKey);
        await AssertStatus(await here.SendAsync(Transfer(sender, receiver, 95m, "here-1")), HttpStatusCode.Created); // copy: 5
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        await TopUpAsync(sender.WalletId, 100m, ClientOf(other, sender.ApiKey)); // row: 105, the copy here still says 5

        await AssertStatus(await here.SendAsync(Transfer(sender, receiver, 50m, "here-2")), HttpStatusCode.Created);

        await AssertWalletReconciles(sender.WalletId, 55m, 4);
        await AssertWalletReconciles(receiver.WalletId, 145m, 2);
    }

    [Fact]
    public async Task Parallel_opposite_transfers_through_two_processes_with_copies_move_exactly_what_was_sent_and_never_deadlock()
    {
        var deadlocks = new DeadlockWatch();
        void Watch(IServiceCollection services) => services.AddSingleton<IWriteBatchInterceptor>(deadlocks);
        await using var first = ApiFactory.StartOnKestrel(Database.ConnectionString, Watch);
        await using var second = ApiFactory.StartOnKestrel(Database.ConnectionString, Watch);
        var (a, b) = await SenderAndReceiverAsync(100m, 100m);
        using var aFirst = ClientOf(first, a.ApiKey);
        using var aSecond = ClientOf(second, a.ApiKey);
        using var bFirst = ClientOf(first, b.ApiKey);
        using var bSecond = ClientOf(second, b.ApiKey);
        // Both processes hold copies of both wallets (the first's out of date after the second's transfer).
        await AssertStatus(await aFirst.SendAsync(Transfer(a, b, 1m, "warm-1")), HttpStatusCode.Created);
        await AssertStatus(await bSecond.SendAsync(Transfer(b, a, 1m, "warm-2")), HttpStatusCode.Created);

        // 40 at once: A→B of 3 and B→A of 2, each direction through both processes.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 4) switch
        {
            0 => aFirst.SendAsync(Transfer(a, b, 3m, $"parallel-{i}")),
            1 => bSecond.SendAsync(Transfer(b, a, 2m, $"parallel-{i}")),
            2 => aSecond.SendAsync(Transfer(a, b, 3m, $"parallel-{i}")),
            _ => bFirst.SendAsync(Transfer(b, a, 2m, $"parallel-{i}")),
        }));

        Assert.True(responses.All(r => r.StatusCode == HttpStatusCode.Created), string.Join(", ", responses.Select(r => (int)r.StatusCode)));
        // 20 × 3 out of A and 20 × 2 into it; B the other way round. Entries: the top-up, the two warm-ups, the 40.
        await AssertWalletReconciles(a.WalletId, 80m, 43);
        await AssertWalletReconciles(b.WalletId, 120m, 43);
        Assert.True(deadlocks.Count == 0, $"{deadlocks.Count} write batches failed on a deadlock");
    }

    [Fact]
    public async Task A_transfer_from_copies_takes_both_row_locks_in_id_order_so_a_locker_in_that_order_is_not_deadlocked()
    {
        var deadlocks = new DeadlockWatch();
        await using var api = ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<IWriteBatchInterceptor>(deadlocks));
        var (x, y) = await SenderAndReceiverAsync(100m, 100m);
        // From the wallet the database orders last to the one it orders first: written source first, the batch's UPDATEs
        // alone would lock them against the id order.
        var higher = await Database.ScalarAsync<Guid>("SELECT id FROM wallets WHERE id = $1 OR id = $2 ORDER BY id DESC LIMIT 1", x.WalletId, y.WalletId);
        var (from, to) = higher == x.WalletId ? (x, y) : (y, x);
        using var client = ClientOf(api, from.ApiKey);
        await AssertStatus(await client.SendAsync(Transfer(from, to, 1m, "warm")), HttpStatusCode.Created); // copies of both, current

        // Another locker in id order (as every transfer read under the locks is) holds the lower row.
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var locker = await connection.BeginTransactionAsync();
        async Task LockAsync(Guid walletId)
        {
            await using var command = new NpgsqlCommand("SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE", connection, locker);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = walletId });
            await command.ExecuteScalarAsync();
        }
        await LockAsync(to.WalletId);
        var transfer = client.SendAsync(Transfer(from, to, 2m, "from-copies"));
        for (var waited = 0; await Database.ScalarAsync<long>(
                 "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0; waited++)
        {
            Assert.True(waited < 200, "The transfer never waited for the lower row's lock.");
            await Task.Delay(50);
        }

        // The transfer waits for the lower row holding no lock yet, so the higher one is free to take. (Had it locked the
        // higher row first, the two would wait for each other, and the database would break the cycle after
        // deadlock_timeout by failing the transfer's batch: DeadlockWatch.)
        await LockAsync(from.WalletId);
        await locker.RollbackAsync();

        await AssertStatus(await transfer, HttpStatusCode.Created);
        Assert.True(deadlocks.Count == 0, $"{deadlocks.Count} write batches failed on a deadlock");
        await AssertWalletReconciles(from.WalletId, 97m, 3);
        await AssertWalletReconciles(to.WalletId, 103m, 3);
    }

    /// <summary>Counts the write batches the database refused on a deadlock (which it would only find after deadlock_timeout).</summary>
    private sealed class DeadlockWatch : IWriteBatchInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task BatchFailedAsync(NpgsqlBatch batch, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected })
                Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
