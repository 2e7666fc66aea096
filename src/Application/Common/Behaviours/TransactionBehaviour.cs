using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Common.Behaviours;

public sealed class TransactionOptions
{
    /// <summary>How many times a command is run again after a transient database failure.</summary>
    public int MaxRetries { get; set; } = 3;

    public int BaseDelayMilliseconds { get; set; } = 20;
}

/// <summary>
/// One database transaction per command: committed only when the handler returns, rolled back on any
/// exception, so nothing half-done is ever visible. Transient failures (serialization, deadlock, lost
/// connection) re-run the whole command from a clean slate a bounded number of times.
/// </summary>
public sealed class TransactionBehaviour<TRequest, TResponse>(
    IUnitOfWork unitOfWork,
    IOptions<TransactionOptions> options,
    ILogger<TransactionBehaviour<TRequest, TResponse>> logger) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (request is not ICommandMarker)
            return await next();

        for (var attempt = 1; ; attempt++)
        {
            await unitOfWork.BeginAsync(cancellationToken);
            try
            {
                var response = await next();
                await unitOfWork.CommitAsync(cancellationToken);
                return response;
            }
            catch (Exception ex)
            {
                await unitOfWork.RollbackAsync();
                unitOfWork.DiscardChanges();
                if (attempt > options.Value.MaxRetries || !unitOfWork.IsTransientFailure(ex))
                    throw;

                logger.LogWarning("{Command} hit a transient database failure ({Error}); retry {Attempt} of {MaxRetries}",
                    typeof(TRequest).Name, ex.GetBaseException().Message, attempt, options.Value.MaxRetries);
                // Jittered backoff so colliding transactions do not collide again in lockstep.
                var delay = options.Value.BaseDelayMilliseconds * attempt + Random.Shared.Next(options.Value.BaseDelayMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
