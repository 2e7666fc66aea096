using System.Diagnostics;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// One database transaction per command: committed only when the handler returns, rolled back on any
/// exception, so nothing half-done is ever visible. Transient failures re-run the whole command from a clean
/// slate: contention (serialization failure, deadlock) a bounded number of times, an unavailable database
/// (unreachable, restarting, connection lost) for a bounded time. A failed commit is never simply re-run: the
/// unit of work first learns whether it took effect (see <see cref="IUnitOfWork.CommitAsync"/>).
/// </summary>
public sealed class TransactionBehaviour<TRequest, TResponse>(
    IUnitOfWork unitOfWork,
    IOptions<TransactionOptions> options,
    ILogger<TransactionBehaviour<TRequest, TResponse>> logger) : IPipelineBehavior<TRequest, TResponse>
    // Commands only: for any other request (a query) the container leaves this behaviour out of the pipeline altogether
    // (an open generic whose constraint does not fit is skipped when resolving IEnumerable), so a query neither builds
    // it nor its unit of work.
    where TRequest : ICommandMarker
{
    private static readonly TimeSpan MaxUnavailableDelay = TimeSpan.FromSeconds(1);

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var contentionRetries = 0;
        var unavailableDelay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await unitOfWork.BeginAsync(cancellationToken);
                var response = await next();
                await unitOfWork.CommitAsync(cancellationToken);
                return response;
            }
            catch (CommitOutcomeUnknownException)
            {
                throw; // it may have taken effect: never run it again
            }
            catch (Exception ex)
            {
                await unitOfWork.RollbackAsync();
                unitOfWork.DiscardChanges();

                TimeSpan delay;
                if (unitOfWork.IsRetryAtOnce(ex))
                {
                    logger.LogDebug("{Command}'s attempt {Attempt} from a wallet snapshot did not hold ({Error}); running it again, reading the rows",
                        typeof(TRequest).Name, attempt, ex.GetBaseException().Message);
                    continue;
                }
                if (unitOfWork.IsUnavailableFailure(ex))
                {
                    delay = unavailableDelay;
                    unavailableDelay = TimeSpan.FromTicks(Math.Min(unavailableDelay.Ticks * 2, MaxUnavailableDelay.Ticks));
                    if (Stopwatch.GetElapsedTime(started) + delay > TimeSpan.FromSeconds(settings.UnavailableRetrySeconds))
                        throw;
                }
                else if (unitOfWork.IsTransientFailure(ex) && ++contentionRetries <= settings.MaxRetries)
                {
                    // Jittered backoff so colliding transactions do not collide again in lockstep.
                    delay = TimeSpan.FromMilliseconds(settings.BaseDelayMilliseconds * contentionRetries
                                                      + Random.Shared.Next(settings.BaseDelayMilliseconds));
                }
                else
                {
                    throw;
                }

                logger.LogWarning("{Command} hit a transient database failure ({Error}); attempt {Attempt} failed, retrying in {DelayMs} ms",
                    typeof(TRequest).Name, ex.GetBaseException().Message, attempt, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
