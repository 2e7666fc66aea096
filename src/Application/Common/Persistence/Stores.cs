using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface IWalletStore
{
    /// <summary>Loads the wallet and holds a row lock on it until the transaction ends.</summary>
    Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct);

    void Add(Wallet wallet);

    /// <summary>The currencies the customer already holds a wallet in, read inside the current transaction.</summary>
    Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct);

    void AddEntry(LedgerEntry entry);
}

public interface IPaymentStore
{
    void Add(PaymentRecord payment);

    /// <summary>Loads the payment and holds a row lock on it until the transaction ends.</summary>
    Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct);
}

public interface ICustomerStore
{
    void Add(Customer customer);

    /// <summary>Loads the customer and holds a row lock on it until the transaction ends (serialises opening its wallets).</summary>
    Task<Customer?> FindForUpdateAsync(Guid customerId, CancellationToken ct);
}

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
