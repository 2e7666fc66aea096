using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class ReadStore(WalletDbContext db) : IReadStore
{
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
}
