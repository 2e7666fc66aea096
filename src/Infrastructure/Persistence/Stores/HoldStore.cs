using CleanWallet.Application.Holds;
using CleanWallet.Domain.Holds;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class HoldStore(WalletDbContext db) : IHoldStore
{
    public Task<Hold?> FindForUpdateAsync(Guid holdId, CancellationToken ct) =>
        db.Set<Hold>().FromSql($"SELECT * FROM holds WHERE id = {holdId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public Task<Hold?> FindForOrderForUpdateAsync(Guid orderId, CancellationToken ct) =>
        db.Set<Hold>().FromSql($"SELECT * FROM holds WHERE order_id = {orderId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public void Add(Hold hold) => db.Set<Hold>().Add(hold);
}
