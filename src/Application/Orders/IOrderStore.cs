using CleanWallet.Domain.Orders;

namespace CleanWallet.Application.Orders;

public interface IOrderStore
{
    /// <summary>
    /// Loads the order and holds a row lock on it until the transaction ends. Order handlers take this lock first,
    /// then the hold's or the payment's, then the wallet's, so they queue behind each other instead of deadlocking.
    /// </summary>
    Task<Order?> FindForUpdateAsync(Guid orderId, CancellationToken ct);

    /// <summary>
    /// Claims the right to call fulfilment for a Fulfilling order until <paramref name="until"/>, in one conditional
    /// UPDATE committed on its own (no transaction may be open): it succeeds when nobody holds the lease (none, or past
    /// <paramref name="now"/>) or <paramref name="token"/> holds it already. False: another node is working on the order,
    /// or it is no longer Fulfilling.
    /// </summary>
    Task<bool> TryClaimFulfilmentAsync(Guid orderId, Guid token, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    void Add(Order order);
}
