namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// A row of <c>idempotency_keys</c>, mapped so that a command's key and stored response join its SaveChanges batch (or
/// the unit of work's write batch, its INSERT or UPDATE built from this mapping by <see cref="ModelRowStatements"/>):
/// inserted whole by a claim made at commit (<see cref="DeferredClaim"/>), or the response updated on the row an earlier
/// statement of the transaction claimed (the plain <c>INSERT … ON CONFLICT DO NOTHING</c> of
/// <see cref="Stores.IdempotencyStore"/>).
/// </summary>
internal sealed class IdempotencyKeyRecord
{
    public required string Owner { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public required string Command { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? ResponseJson { get; set; }
}
