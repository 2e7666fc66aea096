using CleanWallet.Application.Administration;
using CleanWallet.Domain.Adjustments;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class AdjustmentStore(WalletDbContext db) : IAdjustmentStore
{
    public void Add(Adjustment adjustment) => db.Set<Adjustment>().Add(adjustment);
}
