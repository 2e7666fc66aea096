using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class ApiKeyStore(WalletDbContext db) : IApiKeyStore
{
    public void Add(ApiKey apiKey) => db.ApiKeys.Add(apiKey);

    // Compiled once per process: every API-key cache miss (each active key once per ApiKeyCache TTL, and every unknown
    // key) runs one of these, so EF Core neither funcletizes nor looks up the expression tree per lookup.
    private static readonly Func<WalletDbContext, string, CancellationToken, Task<ActiveApiKey?>> ActiveByHash =
        EF.CompileAsyncQuery((WalletDbContext context, string keyHash, CancellationToken _) =>
            context.ApiKeys.AsNoTracking()
                .Where(k => k.KeyHash == keyHash && k.RevokedAt == null)
                .Select(k => new ActiveApiKey(k.Id, k.Role, k.CustomerId, k.Name))
                .FirstOrDefault());

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<ActiveApiKey?>> ActiveById =
        EF.CompileAsyncQuery((WalletDbContext context, Guid id, CancellationToken _) =>
            context.ApiKeys.AsNoTracking()
                .Where(k => k.Id == id && k.RevokedAt == null)
                .Select(k => new ActiveApiKey(k.Id, k.Role, k.CustomerId, k.Name))
                .FirstOrDefault());

    public Task<ActiveApiKey?> FindActiveByHashAsync(string keyHash, CancellationToken ct) => ActiveByHash(db, keyHash, ct);

    public Task<ActiveApiKey?> FindActiveAsync(Guid id, CancellationToken ct) => ActiveById(db, id, ct);

    public IQueryable<ApiKey> Keys(Guid? customerId) => customerId is { } customer
        ? db.ApiKeys.AsNoTracking().Where(k => k.CustomerId == customer)
        : db.ApiKeys.AsNoTracking().Where(k => k.Role != ApiKeyRole.Customer);

    public async Task<IReadOnlyList<ApiKey>> LockForRevocationAsync(Guid? customerId, Guid id, CancellationToken ct) =>
        customerId is { } customer
            ? await db.ApiKeys.FromSql($"""
                SELECT * FROM api_keys WHERE customer_id = {customer} AND (id = {id} OR revoked_at IS NULL) ORDER BY id FOR UPDATE
                """).ToListAsync(ct)
            : await db.ApiKeys.FromSql($"SELECT * FROM api_keys WHERE id = {id} AND role <> 'Customer' FOR UPDATE").ToListAsync(ct);
}
