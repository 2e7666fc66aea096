using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class ReadStore(
    WalletDbContext db,
    DeadConnectionSweeper sweeper) : IReadStore
{
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Guid?>> OwnerOfWallet =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, CancellationToken _) =>
            context.Wallets.AsNoTracking().Where(w => w.Id == id).Select(w => (Guid?)w.CustomerId).FirstOrDefault());

    // GET /wallets/{id}, the API's most frequent read: one statement on the DbContext's connection, mapped by
    // WalletDto.Of (available by the aggregate's rule). Hand-written because EF Core's compiled query still builds a
    // delegate (DynamicMethod.CreateDelegate) for its shaper on every execution, which the perf profile of the read
    // load put at ~3 % of the API's CPU, with EF's command pipeline around one 17 µs statement. Parity with
    // WalletDto.Projection: WalletReadParityTests.
    private const string WalletSql = "SELECT id, customer_id, currency, balance, held, credit_limit, status FROM wallets WHERE id = $1";

    // The unfiltered history page, owner and last sequence number included, in one statement and one round trip: the
    // wallet row (by its primary key) LEFT JOIN LATERAL the page of its entries, newest first by (wallet_id, sequence)
    // (the unique index ledger_entries_wallet_sequence_key, read backwards from the cursor). No row: no such wallet; one
    // row with null entry columns: a wallet with no entries on this page. Hand-written because EF Core translates the
    // same LINQ (a collection projection with Skip/Take) into ROW_NUMBER() over the whole ledger. One text for both
    // kinds of paging (no cursor: before = long.MaxValue; a cursor: offset 0), so Npgsql prepares it once per connection.
    private const string LedgerPageSql = """
        SELECT w.customer_id, w.last_sequence, e.id, e.sequence, e.type, e.direction, e.amount, e.balance_before, e.balance_after,
               e.reference_type, e.reference_id, e.description, e.actor, e.created_at
        FROM wallets w
        LEFT JOIN LATERAL (
            SELECT l.id, l.sequence, l.type, l.direction, l.amount, l.balance_before, l.balance_after, l.reference_type,
                   l.reference_id, l.description, l.actor, l.created_at
            FROM ledger_entries l
            WHERE l.wallet_id = w.id AND l.sequence < $2
            ORDER BY l.sequence DESC
            OFFSET $3 LIMIT $4
        ) e ON true
        WHERE w.id = $1
        ORDER BY e.sequence DESC
        """;

    public IQueryable<Customer> Customers => db.Customers.AsNoTracking();
    public IQueryable<Wallet> Wallets => db.Wallets.AsNoTracking();
    public IQueryable<LedgerEntry> LedgerEntries => db.LedgerEntries.AsNoTracking();
    public IQueryable<PaymentRecord> Payments => db.Payments.AsNoTracking();
    public IQueryable<Domain.Audit.AuditEntry> AuditEntries => db.AuditEntries.AsNoTracking();
    public IQueryable<Domain.Payments.Refund> Refunds => db.Set<Domain.Payments.Refund>().AsNoTracking();
    public IQueryable<Domain.Transfers.Transfer> Transfers => db.Set<Domain.Transfers.Transfer>().AsNoTracking();
    public IQueryable<Domain.Adjustments.Adjustment> Adjustments => db.Set<Domain.Adjustments.Adjustment>().AsNoTracking();
    public IQueryable<Domain.Orders.Order> Orders => db.Set<Domain.Orders.Order>().AsNoTracking();
    public IQueryable<Domain.VirtualMachines.VirtualMachine> Vms => db.Set<Domain.VirtualMachines.VirtualMachine>().AsNoTracking();
    public IQueryable<Domain.VirtualMachines.VmUsage> VmUsage => db.Set<Domain.VirtualMachines.VmUsage>().AsNoTracking();
    public IQueryable<Domain.Holds.Hold> Holds => db.Set<Domain.Holds.Hold>().AsNoTracking();

    public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken ct) => EntityFrameworkQueryableExtensions.ToListAsync(query, ct);

    public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken ct) =>
        EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(query, ct)!;

    public Task<int> CountAsync<T>(IQueryable<T> query, CancellationToken ct) => EntityFrameworkQueryableExtensions.CountAsync(query, ct);

    public Task<decimal> SumAsync(IQueryable<decimal> query, CancellationToken ct) => EntityFrameworkQueryableExtensions.SumAsync(query, ct);

    public Task<WalletDto?> WalletAsync(Guid walletId, CancellationToken ct) =>
        ReadAsync(WalletSql, command => command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = walletId }), async reader =>
            await reader.ReadAsync(ct)
                ? WalletDto.Of(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetDecimal(3), reader.GetDecimal(4),
                    reader.GetDecimal(5), reader.GetString(6))
                : null, ct);

    public Task<Guid?> WalletOwnerAsync(Guid walletId, CancellationToken ct) => OwnerOfWallet(db, walletId, ct);

    public Task<WalletLedgerPage?> WalletLedgerPageAsync(Guid walletId, long? beforeSequence, int skip, int take, CancellationToken ct) =>
        ReadAsync(LedgerPageSql, command =>
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = walletId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforeSequence ?? long.MaxValue });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = beforeSequence is null ? skip : 0 });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take });
        }, async reader =>
        {
            if (!await reader.ReadAsync(ct))
                return null;
            var page = new WalletLedgerPage(reader.GetGuid(0), reader.GetInt64(1), new List<LedgerEntryDto>(take));
            do
            {
                if (reader.IsDBNull(2))
                    break;
                page.Entries.Add(new LedgerEntryDto(
                    reader.GetGuid(2), walletId, reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetDecimal(6),
                    reader.GetDecimal(7), reader.GetDecimal(8), reader.GetString(9), reader.GetGuid(10), reader.GetString(11),
                    reader.GetString(12), reader.GetFieldValue<DateTimeOffset>(13)));
            } while (await reader.ReadAsync(ct));
            return (WalletLedgerPage?)page;
        }, ct);

    /// <summary>One hand-written statement on the DbContext's own connection (the commands' pool), opened and closed
    /// through EF Core as its queries are.</summary>
    private async Task<T> ReadAsync<T>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, Task<T>> read, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await read(reader);
        }
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            // This command does not pass EF Core's interceptors: after a database restart, empty the pools rather than
            // fail one request per dead idle connection.
            sweeper.Sweep(ex);
            throw;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
