using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class CustomerStore(WalletDbContext db) : ICustomerStore
{
    public void Add(Customer customer) => db.Customers.Add(customer);

    public Task<Customer?> FindForUpdateAsync(Guid customerId, CancellationToken ct) =>
        db.Customers.FromSql($"SELECT * FROM customers WHERE id = {customerId} FOR UPDATE").SingleOrDefaultAsync(ct);
}
