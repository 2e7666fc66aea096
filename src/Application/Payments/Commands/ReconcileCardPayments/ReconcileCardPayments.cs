using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Payments.Commands.RecordCardChargeOutcome;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Payments.Commands.ReconcileCardPayments;

/// <summary>
/// The <c>card-reconciliation</c> job's work: card payments still Pending after
/// <see cref="CardReconciliationOptions.ReconcileAfterSeconds"/> (the process died around the charge, the processor gave
/// no definitive answer, or recording it failed) are looked up at the processor by their key, oldest first, a batch per
/// run. Approved → completed through <see cref="RecordCardChargeOutcomeCommand"/>, exactly as the request would have
/// (one Deposit entry for a top-up); declined, or never seen by the processor → Failed; another amount or currency →
/// flagged and left Pending for a person (never completed automatically). A processor that cannot be reached leaves the
/// payment Pending for the next run. Not an <c>ICommand</c>: no transaction is open while the processor is asked, and each
/// payment's outcome commits on its own.
/// </summary>
public sealed record ReconcileCardPaymentsCommand(int? BatchSize = null) : IRequest<CardReconciliationReport>;

/// <summary>What one run did. <see cref="Unreachable"/> and <see cref="Errors"/> count payments left Pending for the next run.</summary>
public sealed record CardReconciliationReport(int Found, int Paid, int Failed, int Mismatched, int Unreachable, int Errors);

public sealed class ReconcileCardPaymentsHandler(
    IReadStore read,
    ICardGateway gateway,
    IServiceScopeFactory scopes,
    IOptions<CardReconciliationOptions> options,
    TimeProvider clock,
    ILogger<ReconcileCardPaymentsHandler> logger) : IRequestHandler<ReconcileCardPaymentsCommand, CardReconciliationReport>
{
    /// <summary>Who the ledger entry of a top-up completed by reconciliation names.</summary>
    public const string Actor = "system:card-reconciliation";

    public async Task<CardReconciliationReport> Handle(ReconcileCardPaymentsCommand command, CancellationToken cancellationToken)
    {
        var createdBefore = clock.GetUtcNow() - TimeSpan.FromSeconds(Math.Max(0, options.Value.ReconcileAfterSeconds));
        var batchSize = Math.Max(1, command.BatchSize ?? options.Value.ReconcileBatchSize);
        var pending = await read.ToListAsync(read.Payments
            .Where(p => p.Status == PaymentStatus.Pending && p.Method == PaymentMethod.Card && p.CreatedAt <= createdBefore
                        && p.GatewayIdempotencyKey != null && p.GatewayMismatch == null)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, Key = p.GatewayIdempotencyKey! })
            .Take(batchSize), cancellationToken);

        int paid = 0, failed = 0, mismatched = 0, unreachable = 0, errors = 0;
        foreach (var payment in pending)
        {
            try
            {
                var charge = await gateway.FindChargeAsync(payment.Key, cancellationToken)
                             ?? CardChargeResult.Decline(ErrorCodes.CardNotCharged);
                await using var scope = scopes.CreateAsyncScope();
                var settled = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                    new RecordCardChargeOutcomeCommand(payment.Id, charge, Actor), cancellationToken);
                switch (settled.Status)
                {
                    case nameof(PaymentStatus.Paid): paid++; break;
                    case nameof(PaymentStatus.Failed): failed++; break;
                    case nameof(PaymentStatus.Pending): mismatched++; break;
                }
            }
            catch (CardGatewayUnavailableException ex)
            {
                unreachable++;
                logger.LogWarning(ex, "Card payment {PaymentId} could not be looked up at the processor; it stays Pending for the next run", payment.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One payment's trouble must not keep the rest of the batch waiting.
                errors++;
                logger.LogError(ex, "Reconciling card payment {PaymentId} failed; it stays Pending for the next run", payment.Id);
            }
        }

        if (pending.Count > 0)
            logger.LogWarning("Card reconciliation took up {Found} Pending card payments: {Paid} paid, {Failed} failed, {Mismatched} flagged " +
                              "as not matching the processor, {Unreachable} not reachable, {Errors} errors",
                pending.Count, paid, failed, mismatched, unreachable, errors);
        return new CardReconciliationReport(pending.Count, paid, failed, mismatched, unreachable, errors);
    }
}
