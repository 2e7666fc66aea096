using CleanWallet.Application.Orders;
using CleanWallet.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class OrderStore(WalletDbContext db) : IOrderStore
{
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Order?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid orderId, CancellationToken _) =>
            context.Set<Order>().TagWith(RowLocking.ForUpdate).SingleOrDefault(o => o.Id == orderId));

    public Task<Order?> FindForUpdateAsync(Guid orderId, CancellationToken ct) => ForUpdate(db, orderId, ct);

    public async Task<bool> TryClaimFulfilmentAsync(Guid orderId, Guid token, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            throw new InvalidOperationException("A fulfilment lease is claimed on its own, outside any transaction, so it is visible at once.");
        // One statement, so it commits alone: of two nodes racing for one order, the row lock makes the second re-check
        // the condition against the first one's lease and update nothing.
        var claimed = await db.Database.ExecuteSqlAsync($"""
            UPDATE orders SET fulfilment_lease_until = {until}, fulfilment_lease_token = {token}
            WHERE id = {orderId} AND status = 'Fulfilling'
              AND (fulfilment_lease_until IS NULL OR fulfilment_lease_until <= {now} OR fulfilment_lease_token = {token})
            """, ct);
        return claimed == 1;
    }

    public void Add(Order order) => db.Set<Order>().Add(order);
}
