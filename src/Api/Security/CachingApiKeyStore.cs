using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;

namespace CleanWallet.Api.Security;

/// <summary>
/// <see cref="IApiKeyStore"/> with the authentication lookups (by hash, by id) answered from <see cref="ApiKeyCache"/>
/// when it holds the key; everything else, and every miss, goes to the database store it wraps.
/// </summary>
public sealed class CachingApiKeyStore(IApiKeyStore inner, ApiKeyCache cache) : IApiKeyStore
{
    public void Add(ApiKey apiKey) => inner.Add(apiKey);

    public async Task<ActiveApiKey?> FindActiveByHashAsync(string keyHash, CancellationToken ct)
    {
        if (cache.TryGetByHash(keyHash, out var cached))
            return cached;
        var generation = cache.Generation;
        var key = await inner.FindActiveByHashAsync(keyHash, ct);
        if (key is not null)
            cache.StoreByHash(keyHash, key, generation);
        return key;
    }

    public async Task<ActiveApiKey?> FindActiveAsync(Guid id, CancellationToken ct)
    {
        if (cache.TryGetById(id, out var cached))
            return cached;
        var generation = cache.Generation;
        var key = await inner.FindActiveAsync(id, ct);
        if (key is not null)
            cache.StoreById(key, generation);
        return key;
    }

    public IQueryable<ApiKey> Keys(Guid? customerId) => inner.Keys(customerId);

    public Task<IReadOnlyList<ApiKey>> LockForRevocationAsync(Guid? customerId, Guid id, CancellationToken ct) =>
        inner.LockForRevocationAsync(customerId, id, ct);
}
