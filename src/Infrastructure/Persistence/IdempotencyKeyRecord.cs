namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// A row of <c>idempotency_keys</c>, mapped only so that a command's stored response joins its SaveChanges batch (or
/// the unit of work's write batch, its UPDATE built from this mapping by <see cref="ModelRowStatements"/>). The
/// claim itself is a plain <c>INSERT … ON CONFLICT DO NOTHING</c> (see <see cref="Stores.IdempotencyStore"/>).
/// </summary>
internal sealed class IdempotencyKeyRecord
{
    public required string Owner { get; init; }
    public required string Key { get; init; }
    public string? ResponseJson { get; set; }
}
