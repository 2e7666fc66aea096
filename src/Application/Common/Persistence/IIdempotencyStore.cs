namespace CleanWallet.Application.Common.Persistence;

/// <summary>What is known about an idempotency key when a request claims it.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>This request owns the key: run it and store its response.</summary>
    public sealed record Claimed : IdempotencyClaim;

    /// <summary>An earlier, committed request owns the key.</summary>
    public sealed record AlreadyCompleted(string RequestHash, string ResponseJson) : IdempotencyClaim;
}

/// <summary>A claim sent with the transaction's next query (<see cref="IIdempotencyStore.ClaimWithNextStatement"/>).</summary>
public interface IDeferredClaim
{
    /// <summary>
    /// What became of the claim: sent on its own now if no query has carried it yet. When the key is taken by a committed
    /// request, every change tracked since the claim is discarded before <see cref="IdempotencyClaim.AlreadyCompleted"/>
    /// is returned, so nothing of this attempt is written.
    /// </summary>
    Task<IdempotencyClaim> OutcomeAsync(CancellationToken ct);
}

public interface IIdempotencyStore
{
    /// <summary>
    /// Claims (owner, key) inside the current transaction. A concurrent claim of the same key waits until
    /// the first transaction ends, then sees its stored response.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string owner, string key, string requestHash, string command, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Claims (owner, key) like <see cref="ClaimAsync"/>, but sends the claim ahead of the transaction's next query, in
    /// the same round trip, instead of on its own. <see cref="IDeferredClaim.OutcomeAsync"/> says what became of it.
    /// </summary>
    IDeferredClaim ClaimWithNextStatement(string owner, string key, string requestHash, string command, DateTimeOffset now);

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
