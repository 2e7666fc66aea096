using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// Outside the transaction: a command that locks wallets waits for its turn on them in this process
/// (<see cref="WalletQueues"/>), then runs its transaction (retries included) and gives the turn to the next. A busy
/// wallet's commands thus reach PostgreSQL one at a time from each process, each finding the row lock free or nearly so.
/// </summary>
public sealed class WalletQueueBehaviour<TRequest, TResponse>(WalletQueues queues) : IPipelineBehavior<TRequest, TResponse>
    // Commands that name their wallets only: for any other request the container leaves this behaviour out.
    where TRequest : IQueuedPerWallet
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        using var turn = await queues.EnterAsync(request.WalletsToQueueOn(), cancellationToken);
        return await next();
    }
}
