using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Transfers;

/// <summary>
/// Records every database error a command hits, including those the transaction behaviour retries away: of EF Core's
/// commands (the wallet locks) and of the unit of work's hand-written write batch (a transfer's writes), which EF Core's
/// interceptors do not see. Register it as both.
/// </summary>
internal sealed class DatabaseErrorRecorder : DbCommandInterceptor, IWriteBatchInterceptor
{
    public ConcurrentQueue<string> SqlStates { get; } = new();

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(eventData.Exception);
        return Task.CompletedTask;
    }

    public Task BatchFailedAsync(NpgsqlBatch batch, Exception exception, CancellationToken cancellationToken)
    {
        Record(exception);
        return Task.CompletedTask;
    }

    private void Record(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
            if (ex is PostgresException pg)
            {
                SqlStates.Enqueue(pg.SqlState);
                break;
            }
    }
}

public sealed class TransferConcurrencyTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly DatabaseErrorRecorder _errors = new();

    // Hundreds of requests per key within seconds: the per-key rate limit is not what is under test here.
    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString,
        services => services.AddSingleton<IInterceptor>(_errors).AddSingleton<IWriteBatchInterceptor>(_errors),
        new Dictionary<string, string?> { ["RateLimiting:PermitsPerMinute"] = "100000" });

    private static HttpRequestMessage Transfer(Guid from, Guid to, decimal amount, string description, string? idempotencyKey = null) =>
        Post("/api/v1/transfers", new { fromWalletId = from, toWalletId = to, amount, description }, idempotencyKey);

    private static async Task AssertAllCreated(IEnumerable<HttpResponseMessage> responses)
    {
        foreach (var response in responses)
            await AssertStatus(response, HttpStatusCode.Created);
    }

    /// <summary>Sequences 1..n with no gap, each entry starting where the previous one ended, and the balance equal to the ledger's sum.</summary>
    private async Task AssertLedgerReconcilesAsync(Guid walletId, long expectedEntries)
    {
        var sequences = await Database.ScalarAsync<string>(
            "SELECT string_agg(sequence::text, ',' ORDER BY sequence) FROM ledger_entries WHERE wallet_id = $1", walletId);
        Assert.Equal(string.Join(',', Enumerable.Range(1, (int)expectedEntries)), sequences);
        Assert.Equal(expectedEntries, await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", walletId));
        Assert.Equal(0L, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT balance_before, lag(balance_after) OVER (ORDER BY sequence) AS previous_after
                FROM ledger_entries WHERE wallet_id = $1) chained
            WHERE previous_after IS NOT NULL AND balance_before <> previous_after
            """, walletId));
        Assert.Equal(0m, await Database.ScalarAsync<decimal>(
            "SELECT w.balance - coalesce(sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END), 0) " +
            "FROM wallets w LEFT JOIN ledger_entries e ON e.wallet_id = w.id WHERE w.id = $1 GROUP BY w.balance", walletId));
    }

    private async Task AssertEveryTransferIsLinkedToItsTwoEntriesAsync(long expectedTransfers)
    {
        Assert.Equal(expectedTransfers, await Database.CountAsync("transfers"));
        Assert.Equal(expectedTransfers, await Database.CountAsync(
            "transfers t JOIN ledger_entries o ON o.id = t.out_entry_id JOIN ledger_entries i ON i.id = t.in_entry_id",
            "o.type = 'TransferOut' AND o.wallet_id = t.from_wallet_id AND o.reference_type = 'transfer' AND o.reference_id = t.id " +
            "AND i.type = 'TransferIn' AND i.wallet_id = t.to_wallet_id AND i.reference_type = 'transfer' AND i.reference_id = t.id " +
            "AND o.amount = t.amount AND i.amount = t.amount"));
        Assert.Equal(2 * expectedTransfers, await Database.CountAsync("ledger_entries", "reference_type = 'transfer'"));
    }

    [Fact]
    public async Task Two_hundred_opposite_transfers_in_parallel_all_succeed_without_a_deadlock_and_conserve_the_money()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 1000m);
        await TopUpAsync(bob.WalletId, 1000m);
        using var asAlice = Client(alice.ApiKey);
        using var asBob = Client(bob.ApiKey);

        // Interleaved, so A→B and B→A are in flight together throughout.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => i % 2 == 0
            ? asAlice.SendAsync(Transfer(alice.WalletId, bob.WalletId, 1.00m, $"A to B {i}"))
            : asBob.SendAsync(Transfer(bob.WalletId, alice.WalletId, 1.00m, $"B to A {i}"))));

        await AssertAllCreated(responses);
        // Not even a retried-away deadlock: both wallets are always locked in the same order.
        Assert.DoesNotContain(PostgresErrorCodes.DeadlockDetected, _errors.SqlStates);
        Assert.Empty(_errors.SqlStates);

        var aliceBalance = (decimal)(await GetWalletAsync(alice.WalletId))["balance"]!;
        var bobBalance = (decimal)(await GetWalletAsync(bob.WalletId))["balance"]!;
        Assert.Equal(2000m, aliceBalance + bobBalance);
        Assert.Equal(1000m, aliceBalance);
        Assert.Equal(1000m, bobBalance);
        await AssertLedgerReconcilesAsync(alice.WalletId, 201);
        await AssertLedgerReconcilesAsync(bob.WalletId, 201);
        await AssertEveryTransferIsLinkedToItsTwoEntriesAsync(200);
        Assert.Equal(100L, await Database.CountAsync("transfers", "from_wallet_id = $1", alice.WalletId));
        Assert.Equal(100L, await Database.CountAsync("transfers", "from_wallet_id = $1", bob.WalletId));
    }

    [Fact]
    public async Task A_ring_of_transfers_between_three_wallets_in_parallel_cannot_deadlock()
    {
        var wallets = new List<TestCustomer>();
        foreach (var name in new[] { "Ring A", "Ring B", "Ring C" })
        {
            var customer = await CreateCustomerAsync(name: name);
            await TopUpAsync(customer.WalletId, 100m);
            wallets.Add(customer);
        }
        var clients = wallets.Select(w => Client(w.ApiKey)).ToList();

        // A→B, B→C, C→A: each transaction needs two of the three locks, a cycle unless every lock order agrees.
        var responses = await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
            clients[i % 3].SendAsync(Transfer(wallets[i % 3].WalletId, wallets[(i + 1) % 3].WalletId, 0.50m, $"Ring {i}"))));

        await AssertAllCreated(responses);
        Assert.Empty(_errors.SqlStates);
        foreach (var wallet in wallets)
        {
            Assert.Equal(100m, (decimal)(await GetWalletAsync(wallet.WalletId))["balance"]!);
            await AssertLedgerReconcilesAsync(wallet.WalletId, 101);
        }
        await AssertEveryTransferIsLinkedToItsTwoEntriesAsync(150);
        foreach (var client in clients)
            client.Dispose();
    }

    [Fact]
    public async Task Parallel_transfers_draining_a_wallet_let_exactly_what_it_holds_through()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 30m);
        using var client = Client(sender.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 1m, $"Drain {i}"))));

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(0m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(30m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
        await AssertLedgerReconcilesAsync(sender.WalletId, 31);
        await AssertLedgerReconcilesAsync(receiver.WalletId, 30);
        await AssertEveryTransferIsLinkedToItsTwoEntriesAsync(30);
    }

    [Fact]
    public async Task Twenty_parallel_requests_with_one_idempotency_key_make_one_transfer()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 100m);
        using var client = Client(sender.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 7.5m, "Burst", "transfer-burst"))));

        await AssertAllCreated(responses);
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(19, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(92.5m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(7.5m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
        await AssertEveryTransferIsLinkedToItsTwoEntriesAsync(1);
    }
}
