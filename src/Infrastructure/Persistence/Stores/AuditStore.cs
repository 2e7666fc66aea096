using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class AuditStore(WalletDbContext db) : Application.Audit.IAuditStore
{
    public void Add(Domain.Audit.AuditEntry entry) => db.AuditEntries.Add(entry);
}
