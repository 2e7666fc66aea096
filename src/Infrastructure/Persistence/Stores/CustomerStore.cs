using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class CustomerStore(WalletDbContext db) : ICustomerStore
{
    public void Add(Customer customer) => db.Customers.Add(customer);

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Customer?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid customerId, CancellationToken _) =>
            context.Customers.TagWith(RowLocking.ForUpdate).SingleOrDefault(c => c.Id == customerId));

    public Task<Customer?> FindForUpdateAsync(Guid customerId, CancellationToken ct) => ForUpdate(db, customerId, ct);
}
