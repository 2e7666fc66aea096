using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class WalletStore(WalletDbContext db) : IWalletStore
{
    public Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct) =>
        db.Wallets.FromSql($"SELECT * FROM wallets WHERE id = {walletId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public void Add(Wallet wallet) => db.Wallets.Add(wallet);

    public async Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct) =>
        await db.Wallets.Where(w => w.CustomerId == customerId).Select(w => w.Currency).ToListAsync(ct);

    public void AddEntry(LedgerEntry entry) => db.LedgerEntries.Add(entry);
}

internal sealed class PaymentStore(WalletDbContext db) : IPaymentStore
{
    public void Add(PaymentRecord payment) => db.Payments.Add(payment);

    public Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct) =>
        db.Payments.FromSql($"SELECT * FROM payments WHERE id = {paymentId} FOR UPDATE").SingleOrDefaultAsync(ct);
}

internal sealed class CustomerStore(WalletDbContext db) : ICustomerStore
{
    public void Add(Customer customer) => db.Customers.Add(customer);

    public Task<Customer?> FindForUpdateAsync(Guid customerId, CancellationToken ct) =>
        db.Customers.FromSql($"SELECT * FROM customers WHERE id = {customerId} FOR UPDATE").SingleOrDefaultAsync(ct);
}

internal sealed class AuditStore(WalletDbContext db) : Application.Audit.IAuditStore
{
    public void Add(Domain.Audit.AuditEntry entry) => db.AuditEntries.Add(entry);
}

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
