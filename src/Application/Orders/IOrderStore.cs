using CleanWallet.Domain.Orders;

namespace CleanWallet.Application.Orders;

public interface IOrderStore
{
    /// <summary>
    /// Loads the order and holds a row lock on it until the transaction ends. Order handlers take this lock first,
    /// then the payment's, then the wallet's, so they queue behind each other instead of deadlocking.
    /// </summary>
    Task<Order?> FindForUpdateAsync(Guid orderId, CancellationToken ct);

    void Add(Order order);
}
