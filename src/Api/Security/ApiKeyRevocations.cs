namespace CleanWallet.Api.Security;

/// <summary>
/// Called once a revocation has committed: evicts the key from this node's cache, so this node refuses it from the
/// next request. The other nodes hear of it from the NOTIFY that the <c>api_keys</c> trigger sent in the revoking
/// transaction itself (delivered if and when it commits; <see cref="ApiKeyRevocationListener"/>), so there is nothing
/// left to announce here.
/// </summary>
public sealed class ApiKeyRevocations(ApiKeyCache cache)
{
    public void Revoked(Guid keyId) => cache.Evict(keyId);
}
