using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Holds.Commands.ExpireHold;
using CleanWallet.Domain.Holds;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Holds.Commands.ExpireHolds;

/// <summary>
/// The <c>hold-expiry</c> job's work: every Active hold past its expiry time that no order owns is released (Expired),
/// read <see cref="HoldOptions.ExpiryBatchSize"/> at a time, each released by its own <see cref="ExpireHoldCommand"/>
/// (its own transaction, under the hold's and then its wallet's row lock), so one hold failing rolls back nothing else.
/// A hold captured or voided between the read and its lock is left as it is. Not an <c>ICommand</c>: it opens no
/// transaction of its own.
/// </summary>
public sealed record ExpireHoldsCommand(int? BatchSize = null) : IRequest<HoldExpiryReport>;

/// <summary>What one run did: holds found past their time, released, already settled by someone else, and failed (left for the next run).</summary>
public sealed record HoldExpiryReport(int Found, int Expired, int AlreadySettled, int Errors);

public sealed class ExpireHoldsHandler(
    IReadStore read,
    IServiceScopeFactory scopes,
    IOptions<HoldOptions> options,
    TimeProvider clock,
    ILogger<ExpireHoldsHandler> logger) : IRequestHandler<ExpireHoldsCommand, HoldExpiryReport>
{
    public async Task<HoldExpiryReport> Handle(ExpireHoldsCommand command, CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, command.BatchSize ?? options.Value.ExpiryBatchSize);
        var now = clock.GetUtcNow();
        // Holds that were not released (failed, or settled meanwhile but still read as Active by a lagging snapshot) are
        // not read again by this run, so it always ends.
        var passedOver = new List<Guid>();
        int found = 0, expired = 0, settled = 0, errors = 0;

        while (true)
        {
            var excluded = passedOver.ToArray();
            var batch = await read.ToListAsync(read.Holds
                .Where(h => h.Status == HoldStatus.Active && h.OrderId == null && h.ExpiresAt <= now && !excluded.Contains(h.Id))
                .OrderBy(h => h.ExpiresAt).ThenBy(h => h.Id)
                .Select(h => h.Id)
                .Take(batchSize), cancellationToken);
            found += batch.Count;

            foreach (var holdId in batch)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var released = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ExpireHoldCommand(holdId), cancellationToken);
                    if (released)
                        expired++;
                    else
                    {
                        settled++;
                        passedOver.Add(holdId);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One hold's trouble must not keep the others reserved.
                    errors++;
                    passedOver.Add(holdId);
                    logger.LogError(ex, "Expiring hold {HoldId} failed; it stays Active for the next run", holdId);
                }
            }

            if (batch.Count < batchSize)
                break;
        }

        if (found > 0)
            logger.LogInformation("Hold expiry released {Expired} of {Found} holds past their time ({Settled} settled meanwhile, {Errors} errors)",
                expired, found, settled, errors);
        return new HoldExpiryReport(found, expired, settled, errors);
    }
}
