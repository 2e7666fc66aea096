using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Housekeeping.Commands.RunHousekeeping;

public sealed record HousekeepingSummary(int IdempotencyKeysExpired, int LostRunsClosed);

/// <summary>
/// The housekeeping job's work. Not one transaction: each batch commits on its own, so a large backlog never holds
/// long locks and a crash half-way loses nothing (the next run carries on). Card payments left Pending are not failed
/// here: the card may have been charged, so the card-reconciliation job asks the processor instead.
/// </summary>
public sealed record RunHousekeepingCommand : IRequest<HousekeepingSummary>;

public sealed class RunHousekeepingHandler(IHousekeepingStore store, IOptions<HousekeepingOptions> options,
    TimeProvider clock) : IRequestHandler<RunHousekeepingCommand, HousekeepingSummary>
{
    public async Task<HousekeepingSummary> Handle(RunHousekeepingCommand command, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batchSize = Math.Max(1, settings.BatchSize);
        var now = clock.GetUtcNow();

        var keysExpired = 0;
        var keyCutoff = now.AddHours(-Math.Max(1, settings.IdempotencyKeyRetentionHours));
        int deleted;
        do
        {
            deleted = await store.DeleteIdempotencyKeysCreatedBeforeAsync(keyCutoff, batchSize, cancellationToken);
            keysExpired += deleted;
        } while (deleted == batchSize);

        var runsClosed = await store.CloseRunsOfLostNodesAsync(now, cancellationToken);
        return new HousekeepingSummary(keysExpired, runsClosed);
    }
}
