using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class StaffApiKeyStore(WalletDbContext db) : IStaffApiKeyStore
{
    public IQueryable<ApiKey> StaffKeys => db.ApiKeys.AsNoTracking().Where(k => k.Role != ApiKeyRole.Customer);

    public Task<ApiKey?> FindStaffKeyForUpdateAsync(Guid id, CancellationToken ct) =>
        db.ApiKeys.FromSql($"SELECT * FROM api_keys WHERE id = {id} AND role <> 'Customer' FOR UPDATE").SingleOrDefaultAsync(ct);
}
