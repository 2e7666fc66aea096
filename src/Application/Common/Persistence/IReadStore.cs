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

    // The hottest reads, as queries compiled once (no expression tree built, funcletized or looked up per request).

    /// <summary><c>GET /wallets/{id}</c>: the wallet as the API shows it; null when there is none.</summary>
    Task<Wallets.WalletDto?> WalletAsync(Guid walletId, CancellationToken ct);

    /// <summary>The customer owning the wallet; null when there is no such wallet.</summary>
    Task<Guid?> WalletOwnerAsync(Guid walletId, CancellationToken ct);

    /// <summary>
    /// The unfiltered history page in one query (one round trip): the wallet's owner, the sequence number of its newest
    /// ledger entry, and a page of its entries, newest first (<paramref name="skip"/> entries skipped, or, with
    /// <paramref name="beforeSequence"/>, only the entries before that sequence number: keyset paging). Null when there is
    /// no such wallet. A wallet's entries are numbered 1, 2, … without gaps under its row lock, so the newest sequence
    /// number is also how many entries it has: the page's total needs no count over the ledger (the integrity check
    /// proves the numbering).
    /// </summary>
    Task<Wallets.WalletLedgerPage?> WalletLedgerPageAsync(Guid walletId, long? beforeSequence, int skip, int take, CancellationToken ct);
}
