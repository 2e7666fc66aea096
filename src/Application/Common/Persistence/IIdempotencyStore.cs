namespace CleanWallet.Application.Common.Persistence;

/// <summary>What is known about an idempotency key when a request claims it.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>This request owns the key: run it and store its response.</summary>
    public sealed record Claimed : IdempotencyClaim;

    /// <summary>An earlier, committed request owns the key.</summary>
    public sealed record AlreadyCompleted(string RequestHash, string ResponseJson) : IdempotencyClaim;
}

public interface IIdempotencyStore
{
    /// <summary>
    /// Claims (owner, key) inside the current transaction. A concurrent claim of the same key waits until
    /// the first transaction ends, then sees its stored response.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string owner, string key, string requestHash, string command, DateTimeOffset now, CancellationToken ct);

    Task StoreResponseAsync(string owner, string key, string responseJson, CancellationToken ct);
}
