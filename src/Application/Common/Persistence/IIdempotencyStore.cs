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

    /// <summary>
    /// Stores the response of the key this transaction claimed. It is written with the command's other changes when
    /// the transaction commits, so the claim, the effect and the response commit or vanish together.
    /// </summary>
    void StoreResponse(string owner, string key, string responseJson);

    /// <summary>
    /// Replaces the stored response of a key claimed by an earlier, committed transaction (a two-phase command whose
    /// second phase changes the answer a replay gets). A key that has expired and been removed is left removed.
    /// </summary>
    Task ReplaceResponseAsync(string owner, string key, string responseJson, CancellationToken ct);
}
