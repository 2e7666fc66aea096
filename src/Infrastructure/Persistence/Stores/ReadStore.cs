using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class ReadStore(WalletDbContext db) : IReadStore
{
    // Compiled once per process: EF Core neither builds, funcletizes nor looks up the expression tree per request.
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<WalletDto?>> WalletById =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, CancellationToken _) =>
            context.Wallets.AsNoTracking().Where(w => w.Id == id).Select(WalletDto.Projection).FirstOrDefault());

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Guid?>> OwnerOfWallet =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, CancellationToken _) =>
            context.Wallets.AsNoTracking().Where(w => w.Id == id).Select(w => (Guid?)w.CustomerId).FirstOrDefault());

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<WalletLedgerHead?>> LedgerHeadOfWallet =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, CancellationToken _) =>
            context.Wallets.AsNoTracking().Where(w => w.Id == id).Select(w => new WalletLedgerHead(w.CustomerId, w.LastSequence)).FirstOrDefault());

    // Newest first by (wallet_id, sequence): the unique index ledger_entries_wallet_sequence_key, read backwards.
    private static readonly Func<WalletDbContext, Guid, int, int, IAsyncEnumerable<LedgerEntryDto>> LedgerByOffset =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, int skip, int take) =>
            context.LedgerEntries.AsNoTracking().Where(e => e.WalletId == id).OrderByDescending(e => e.Sequence)
                .Skip(skip).Take(take).Select(LedgerEntryDto.Projection));

    private static readonly Func<WalletDbContext, Guid, long, int, IAsyncEnumerable<LedgerEntryDto>> LedgerBeforeSequence =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, long before, int take) =>
            context.LedgerEntries.AsNoTracking().Where(e => e.WalletId == id && e.Sequence < before).OrderByDescending(e => e.Sequence)
                .Take(take).Select(LedgerEntryDto.Projection));

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

    public Task<WalletDto?> WalletAsync(Guid walletId, CancellationToken ct) => WalletById(db, walletId, ct);

    public Task<Guid?> WalletOwnerAsync(Guid walletId, CancellationToken ct) => OwnerOfWallet(db, walletId, ct);

    public Task<WalletLedgerHead?> WalletLedgerHeadAsync(Guid walletId, CancellationToken ct) => LedgerHeadOfWallet(db, walletId, ct);

    public async Task<List<LedgerEntryDto>> LedgerPageAsync(Guid walletId, long? beforeSequence, int skip, int take, CancellationToken ct)
    {
        var entries = beforeSequence is { } before ? LedgerBeforeSequence(db, walletId, before, take) : LedgerByOffset(db, walletId, skip, take);
        var page = new List<LedgerEntryDto>(take);
        await foreach (var entry in entries.WithCancellation(ct))
            page.Add(entry);
        return page;
    }
}
