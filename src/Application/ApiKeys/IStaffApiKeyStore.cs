using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

/// <summary>
/// The operations and admin keys. Customer keys come and go with their customers and are never part of this set,
/// so an id of a customer's key is simply not found here.
/// </summary>
public interface IStaffApiKeyStore
{
    /// <summary>Untracked view of the ops and admin keys, for queries to project (run it with the read store).</summary>
    IQueryable<ApiKey> StaffKeys { get; }

    /// <summary>Loads the ops or admin key, tracked and row-locked until the transaction ends; null when there is none.</summary>
    Task<ApiKey?> FindStaffKeyForUpdateAsync(Guid id, CancellationToken ct);
}
