using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface ICustomerStore
{
    void Add(Customer customer);

    /// <summary>Loads the customer and holds a row lock on it until the transaction ends (serialises opening its wallets).</summary>
    Task<Customer?> FindForUpdateAsync(Guid customerId, CancellationToken ct);
}
