using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

/// <summary>
/// The one port to stored API keys: adding them, authenticating callers by them, and managing them by scope. In a scope
/// a null customer id means the operations and admin keys, a customer id that customer's keys; a key outside the scope
/// is simply not found, so a customer's key id never reaches the staff operations and vice versa.
/// </summary>
public interface IApiKeyStore
{
    void Add(ApiKey apiKey);

    /// <summary>The active (not revoked) key stored under <paramref name="keyHash"/>, read untracked; null when there is none.</summary>
    Task<ActiveApiKey?> FindActiveByHashAsync(string keyHash, CancellationToken ct);

    /// <summary>The key with <paramref name="id"/> if it is still active (not revoked), read untracked; null otherwise.</summary>
    Task<ActiveApiKey?> FindActiveAsync(Guid id, CancellationToken ct);

    /// <summary>Untracked view of the keys of the scope, for queries to project (run it with the read store).</summary>
    IQueryable<ApiKey> Keys(Guid? customerId);

    /// <summary>
    /// The key with <paramref name="id"/> if it is in the scope, tracked and row-locked until the transaction ends;
    /// for a customer's scope also every other active key of that customer, locked in id order, so two concurrent
    /// revocations cannot both believe another key remains. Empty when the key is not in the scope.
    /// </summary>
    Task<IReadOnlyList<ApiKey>> LockForRevocationAsync(Guid? customerId, Guid id, CancellationToken ct);
}
