using CleanWallet.Application.Orders;
using CleanWallet.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class OrderStore(WalletDbContext db) : IOrderStore
{
    public Task<Order?> FindForUpdateAsync(Guid orderId, CancellationToken ct) =>
        db.Set<Order>().FromSql($"SELECT * FROM orders WHERE id = {orderId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public void Add(Order order) => db.Set<Order>().Add(order);
}
