using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Domain.Common;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// A wallet payment writes its rows by hand (the unit of work's write batch, its SQL taken from EF Core's model), not
/// through SaveChanges: the rows must be exactly the ones SaveChanges would write, and the batch must be all or nothing.
/// </summary>
public sealed class PaymentWriteBatchTests(TestDatabase database) : ApiTestBase(database)
{
    /// <summary>Microsecond-exact, as PostgreSQL stores it: both paths stamp the very same instant.</summary>
    private readonly MutableClock _clock = new(new DateTimeOffset(2026, 11, 2, 10, 15, 30, 123, TimeSpan.Zero).AddTicks(4560));

    /// <summary>Sees the write batch's database errors (EF Core's interceptors do not).</summary>
    private readonly Transfers.DatabaseErrorRecorder _errors = new();

    /// <summary>Moves a wallet's ledger inside the payment's own transaction, just before its write batch.</summary>
    private readonly WalletMover _mover = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<IWriteBatchInterceptor>(_errors)
            .AddSingleton<IWriteBatchInterceptor>(_mover));

    [Fact]
    public async Task A_payment_through_the_write_batch_writes_the_same_rows_as_the_same_payment_through_SaveChanges()
    {
        var raw = await CreateCustomerAsync(name: "Raw");
        var tracked = await CreateCustomerAsync(name: "Tracked");
        await TopUpAsync(raw.WalletId, 100m);
        await TopUpAsync(tracked.WalletId, 100m);

        var response = await Client(raw.ApiKey).SendAsync(Post($"/api/v1/wallets/{raw.WalletId}/payments",
            new { amount = 25.10m, description = "Parity", reference = "order-77" }, "parity-key"));
        await AssertStatus(response, HttpStatusCode.Created);
        var rawPaymentId = Guid.Parse((string)(await ReadJson(response))["id"]!);

        // The same domain outcome for the other wallet, written by EF Core's change tracker and SaveChanges.
        var actor = await Database.ScalarAsync<string>("SELECT actor FROM ledger_entries WHERE reference_id = $1", rawPaymentId);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WalletDbContext>();
            var limits = scope.ServiceProvider.GetRequiredService<TransactionLimits>().Current;
            var wallet = await db.Wallets.SingleAsync(w => w.Id == tracked.WalletId);
            var (payment, entry) = wallet.Pay(Money.Of(25.10m, wallet.Currency), "Parity", "order-77", limits, actor, _clock.StorableNow());
            db.LedgerEntries.Add(entry);
            db.Payments.Add(payment);
            await db.SaveChangesAsync();
        }

        // Every column of every row, but the ids (and the ids naming the other rows), compared as PostgreSQL reads them.
        const string entryRow = "SELECT (to_jsonb(e) - 'id' - 'wallet_id' - 'reference_id')::text FROM ledger_entries e WHERE wallet_id = $1 AND type = 'Payment'";
        const string paymentRow = "SELECT (to_jsonb(p) - 'id' - 'customer_id' - 'wallet_id' - 'ledger_entry_id')::text FROM payments p WHERE wallet_id = $1 AND method = 'Wallet'";
        const string walletRow = "SELECT (to_jsonb(w) - 'id' - 'customer_id')::text FROM wallets w WHERE id = $1";
        foreach (var row in new[] { entryRow, paymentRow, walletRow })
        {
            var expected = await Database.ScalarAsync<string>(row, tracked.WalletId);
            Assert.Equal(expected, await Database.ScalarAsync<string>(row, raw.WalletId));
        }
        // Not a comparison of two empty rows: the values the payment wrote are there.
        Assert.Contains("\"external_reference\": \"order-77\"", await Database.ScalarAsync<string>(paymentRow, raw.WalletId));
        Assert.Contains("\"balance\": 74.90", await Database.ScalarAsync<string>(walletRow, raw.WalletId));
        // And the ids the raw rows name are the right ones: the entry names the payment, the payment the entry.
        Assert.Equal(1L, await Database.CountAsync("payments p JOIN ledger_entries e ON e.id = p.ledger_entry_id",
            "p.id = $1 AND e.reference_id = p.id AND e.wallet_id = p.wallet_id AND p.customer_id = $2", rawPaymentId, raw.CustomerId));
    }

    [Fact]
    public async Task A_payment_refused_by_the_database_half_way_through_its_write_batch_keeps_nothing_and_succeeds_when_retried()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var request = () => Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Refused row" }, "refused-key");

        // The payment row is the batch's third statement: the ledger entry and the wallet update before it have run.
        await using (await DatabaseTrigger.CreateAsync(Database, "payments", "INSERT", """
            IF NEW.description = 'Refused row' THEN RAISE EXCEPTION 'injected: payment row refused'; END IF; RETURN NEW;
            """))
        {
            var refused = await Client(customer.ApiKey).SendAsync(request());
            await AssertProblem(refused, HttpStatusCode.InternalServerError, "internal_error");
            await AssertNothingOfThePaymentKept(customer.WalletId);
            // The batch's own failure, seen where faults and errors of the hand-written writes are seen.
            Assert.Equal([PostgresErrorCodes.RaiseException], _errors.SqlStates);
        }

        await AssertStatus(await Client(customer.ApiKey).SendAsync(request()), HttpStatusCode.Created);
        Assert.Equal(75m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_wallet_whose_ledger_moved_after_it_was_loaded_is_not_overwritten_the_payment_fails_and_keeps_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        // Moves the wallet's sequence inside the payment's own transaction (the one holder of the row lock), between the
        // lock and the wallet's update: the update's guard (every column as loaded) must find no row.
        _mover.WalletId = customer.WalletId;
        {
            var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
                new { amount = 25m, description = "Moved under me" }, "moved-key"));
            // Each re-run meets the same move: once the retries are spent the client is told to retry, not "our bug".
            await AssertProblem(response, HttpStatusCode.Conflict, "concurrent_update");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            var maxRetries = Factory.Services.GetRequiredService<IOptions<TransactionOptions>>().Value.MaxRetries;
            Assert.Equal(1 + maxRetries, _errors.SqlStates.Count(s => s == DatabaseFailures.GuardMiss));
            Assert.Equal(1 + maxRetries, _mover.Moves);
        }

        await AssertNothingOfThePaymentKept(customer.WalletId);
    }

    [Fact]
    public async Task A_key_written_under_the_payment_before_its_commit_fails_the_commit_and_the_payment_keeps_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        // Writes the payment's own key between its lookup (free) and its commit, on every attempt: the key's INSERT in the
        // commit batch (its claim) must meet the unique index and fail the batch before its COMMIT. Each attempt runs
        // again as if another request had committed the key first, until the retries run out.
        await using (await DatabaseTrigger.CreateAsync(Database, "payments", "INSERT", """
            INSERT INTO idempotency_keys (owner, key, request_hash, command, created_at, response_json)
            VALUES ('customer:' || NEW.customer_id, 'taken-key', repeat('0', 64), 'Elsewhere', now(), '{}');
            RETURN NEW;
            """))
        {
            var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
                new { amount = 25m, description = "Key taken under me" }, "taken-key"));
            await AssertProblem(response, HttpStatusCode.Conflict, "concurrent_update");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        }

        await AssertNothingOfThePaymentKept(customer.WalletId);
    }

    private async Task AssertNothingOfThePaymentKept(Guid walletId)
    {
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "wallet_id = $1", walletId));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", walletId));
        Assert.Equal(100m, await Database.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", walletId));
    }
}

/// <summary>
/// Puts an UPDATE of <see cref="WalletId"/>'s <c>last_sequence</c> at the head of every write batch that writes that wallet:
/// the row changes in the batch's own transaction after it was loaded (under its lock) and before its guarded UPDATE.
/// </summary>
internal sealed class WalletMover : IWriteBatchInterceptor
{
    private int _moves;

    public Guid? WalletId { get; set; }

    public int Moves => Volatile.Read(ref _moves);

    public Task BatchExecutingAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (WalletId is { } walletId && Enumerable.Any<NpgsqlBatchCommand>(batch.BatchCommands, c => c.CommandText.Contains("UPDATE wallets", StringComparison.Ordinal)))
        {
            batch.BatchCommands.Insert(0, new NpgsqlBatchCommand("UPDATE wallets SET last_sequence = last_sequence + 100 WHERE id = $1")
            {
                Parameters = { new NpgsqlParameter<Guid> { TypedValue = walletId } },
            });
            Interlocked.Increment(ref _moves);
        }
        return Task.CompletedTask;
    }
}
