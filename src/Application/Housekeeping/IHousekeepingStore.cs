namespace CleanWallet.Application.Housekeeping;

public interface IHousekeepingStore
{
    /// <summary>Deletes up to <paramref name="batchSize"/> idempotency keys created before the cutoff; returns how many.</summary>
    Task<int> DeleteIdempotencyKeysCreatedBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct);

    /// <summary>Marks Failed the job and billing runs still Running on a node that no longer checks in; returns how many.</summary>
    Task<int> CloseRunsOfLostNodesAsync(DateTimeOffset now, CancellationToken ct);
}
