namespace CleanWallet.Application.Common.Persistence;

/// <summary>What is known about an idempotency key when a request claims it.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>This request owns the key: run it and store its response.</summary>
    public sealed record Claimed : IdempotencyClaim;

    /// <summary>An earlier, committed request owns the key.</summary>
    public sealed record AlreadyCompleted(string RequestHash, string ResponseJson) : IdempotencyClaim;
}

/// <summary>
/// A claim made at commit (<see cref="IIdempotencyStore.ClaimWithNextStatement"/>): the key is looked up with the
/// transaction's next query, and, if it is free, inserted with the response in the commit's own batch.
/// </summary>
public interface IDeferredClaim
{
    /// <summary>
    /// What became of the claim once the handler has returned or thrown (<paramref name="handlerFailed"/>). When a
    /// committed request owns the key (seen by the lookup, or, after a failure, committed while this one waited for its
    /// locks), every change tracked or queued since is discarded before <see cref="IdempotencyClaim.AlreadyCompleted"/> is
    /// returned, so nothing of this attempt is written. <see cref="IdempotencyClaim.Claimed"/>: the key is this request's
    /// to take at commit (<see cref="StoreResponse"/>).
    /// </summary>
    Task<IdempotencyClaim> OutcomeAsync(bool handlerFailed, CancellationToken ct);

    /// <summary>
    /// Writes the key with its response when the transaction commits, in the same batch as the command's other changes. If
    /// another request committed the key in the meantime, the commit fails with a transient error (the key's unique
    /// index) and the command runs again from the start, when the lookup finds the key taken.
    /// </summary>
    void StoreResponse(string responseJson);
}

public interface IIdempotencyStore
{
    /// <summary>
    /// Claims (owner, key) inside the current transaction. A concurrent claim of the same key waits until
    /// the first transaction ends, then sees its stored response.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string owner, string key, string requestHash, string command, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Claims (owner, key) at commit instead of now: the key is looked up ahead of the transaction's next query, in the
    /// same round trip, and written once, with its response, in the commit's batch (<see cref="IDeferredClaim"/>).
    /// </summary>
    IDeferredClaim ClaimWithNextStatement(string owner, string key, string requestHash, string command, DateTimeOffset now);

    /// <summary>
    /// Stores the response of the key this transaction claimed (<see cref="ClaimAsync"/>; the request's hash, command and
    /// time as claimed). It is written with the command's other changes when the transaction commits, so the claim, the
    /// effect and the response commit or vanish together.
    /// </summary>
    void StoreResponse(string owner, string key, string requestHash, string command, DateTimeOffset now, string responseJson);

    /// <summary>
    /// Replaces the stored response of a key claimed by an earlier, committed transaction (a two-phase command whose
    /// second phase changes the answer a replay gets). A key that has expired and been removed is left removed.
    /// </summary>
    Task ReplaceResponseAsync(string owner, string key, string responseJson, CancellationToken ct);
}
