using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;

namespace CleanWallet.Api.Security;

/// <summary>
/// <see cref="IApiKeyStore"/> with the authentication lookups (by hash, by id) answered from <see cref="ApiKeyCache"/>
/// when it holds the key; everything else, and every miss, goes to the database store it wraps. That store (and the
/// pooled DbContext it leases) is made only when a call needs it: a request whose key the cache holds leases none.
/// </summary>
public sealed class CachingApiKeyStore(Func<IApiKeyStore> createInner, ApiKeyCache cache) : IApiKeyStore
{
    private IApiKeyStore? _inner;

    private IApiKeyStore Inner => _inner ??= createInner();

    public void Add(ApiKey apiKey) => Inner.Add(apiKey);

    public async Task<ActiveApiKey?> FindActiveByHashAsync(string keyHash, CancellationToken ct)
    {
        if (cache.TryGetByHash(keyHash, out var cached))
            return cached;
        var generation = cache.Generation;
        var key = await Inner.FindActiveByHashAsync(keyHash, ct);
        if (key is not null)
            cache.StoreByHash(keyHash, key, generation);
        return key;
    }

    public async Task<ActiveApiKey?> FindActiveAsync(Guid id, CancellationToken ct)
    {
        if (cache.TryGetById(id, out var cached))
            return cached;
        var generation = cache.Generation;
        var key = await Inner.FindActiveAsync(id, ct);
        if (key is not null)
            cache.StoreById(key, generation);
        return key;
    }

    public IQueryable<ApiKey> Keys(Guid? customerId) => Inner.Keys(customerId);

    public Task<IReadOnlyList<ApiKey>> LockForRevocationAsync(Guid? customerId, Guid id, CancellationToken ct) =>
        Inner.LockForRevocationAsync(customerId, id, ct);
}
