using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

/// <summary>
/// Read side: queryable, untracked views of the tables for query handlers to project into DTOs.
/// The runner executes them, so Application never names the ORM.
/// </summary>
public interface IReadStore
{
    IQueryable<Customer> Customers { get; }
    IQueryable<Wallet> Wallets { get; }
    IQueryable<LedgerEntry> LedgerEntries { get; }
    IQueryable<PaymentRecord> Payments { get; }
    IQueryable<Domain.Audit.AuditEntry> AuditEntries { get; }
    IQueryable<Domain.Payments.Refund> Refunds { get; }
    IQueryable<Domain.Transfers.Transfer> Transfers { get; }
    IQueryable<Domain.Adjustments.Adjustment> Adjustments { get; }
    IQueryable<Domain.Orders.Order> Orders { get; }
    IQueryable<Domain.VirtualMachines.VirtualMachine> Vms { get; }
    IQueryable<Domain.VirtualMachines.VmUsage> VmUsage { get; }
    IQueryable<Domain.Holds.Hold> Holds { get; }

    Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken ct);
    Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken ct);
    Task<int> CountAsync<T>(IQueryable<T> query, CancellationToken ct);
    Task<decimal> SumAsync(IQueryable<decimal> query, CancellationToken ct);
}
