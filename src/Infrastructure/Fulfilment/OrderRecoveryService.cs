using CleanWallet.Application.Orders.Commands.RecoverStuckOrders;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Infrastructure.Fulfilment;

/// <summary>
/// Every <see cref="FulfilmentOptions.RecoveryIntervalSeconds"/>, takes up orders left Paid too long
/// (<see cref="RecoverStuckOrdersCommand"/>), each run in a new DI scope. Several nodes may run it at once: the
/// fulfilment service's idempotency key and the order lock taken to record the outcome make that harmless.
/// </summary>
public sealed class OrderRecoveryService(IServiceScopeFactory scopes, FulfilmentOptions options, ILogger<OrderRecoveryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.RecoveryIntervalSeconds <= 0)
            return;

        // The first run waits one interval too: start-up (migrations, a test resetting its database) goes first.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.RecoveryIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await RunOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; an order being recovered stays Paid and is taken up by the next run anywhere.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RecoverStuckOrdersCommand(), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A database hiccup must not stop the loop; the next tick tries again.
            logger.LogError(ex, "Order recovery run failed");
        }
    }
}
