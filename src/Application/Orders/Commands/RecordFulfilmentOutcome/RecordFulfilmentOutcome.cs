using System.Text.Json;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Holds;
using CleanWallet.Application.Orders.Fulfilment;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.RecordFulfilmentOutcome;

/// <summary>
/// The second half of <see cref="FulfilOrder.FulfilOrderCommand"/>, in one transaction: fulfilled → the order's hold is
/// captured (its one Payment entry) and the order Completed naming that payment; refused → the hold voided and the order
/// Failed, no ledger entry; unclear → the order stays Fulfilling with its hold and recovery asks again after
/// <see cref="FulfilmentRecoveryOptions.RecoverAfterSeconds"/>, unless its deadline has passed: then the hold is voided
/// and the order Failed, logged as needing attention. The order is locked first and must still be Fulfilling: whoever
/// records a definite answer first wins, and a second recording changes nothing (never both a payment and a void).
/// </summary>
public sealed record RecordFulfilmentOutcomeCommand(Guid OrderId, Guid LeaseToken, FulfilmentResult Result, IdempotentAnswer? Answer = null)
    : ICommand<FulfilmentStep>;

public sealed class RecordFulfilmentOutcomeHandler(
    IOrderStore orders,
    IHoldStore holds,
    IWalletStore wallets,
    IPaymentStore payments,
    IIdempotencyStore idempotency,
    IReadStore read,
    IOptions<FulfilmentRecoveryOptions> options,
    TimeProvider clock,
    ILogger<RecordFulfilmentOutcomeHandler> logger) : IRequestHandler<RecordFulfilmentOutcomeCommand, FulfilmentStep>
{
    public const string DefaultFailureReason = "The fulfilment service did not fulfil the order.";

    public async Task<FulfilmentStep> Handle(RecordFulfilmentOutcomeCommand command, CancellationToken cancellationToken)
    {
        // Order, then its hold, then the wallet: the lock order of every hold settlement.
        var order = await orders.FindForUpdateAsync(command.OrderId, cancellationToken)
                    ?? throw new NotFoundException("Order", command.OrderId);
        if (order.Status != OrderStatus.Fulfilling)
            return new FulfilmentStep(await OrderReads.CurrentAsync(read, order.Id, cancellationToken), Settled: false);

        var result = command.Result;
        var attempts = Math.Max(result.Attempts, 0);
        var now = clock.StorableNow();
        if (result.Outcome == FulfilmentOutcome.Unclear && !order.IsPastDeadline(now))
        {
            // Another node that took the order over meanwhile keeps its claim; this answer added nothing definite.
            if (order.FulfilmentLeaseToken is { } holder && holder != command.LeaseToken)
                return new FulfilmentStep(OrderDto.From(order, payment: null), Settled: false);
            order.RecordUnclearOutcome(attempts, now + options.Value.RecoverAfter, now);
            logger.LogWarning("Order {OrderId}: no definite answer from the fulfilment service ({What}); it stays Fulfilling " +
                              "with its hold and is asked again from {RetryAt:O}", order.Id, result.Reason, order.FulfilmentLeaseUntil);
            return new FulfilmentStep(OrderDto.From(order, payment: null), Settled: false);
        }

        var hold = await holds.FindForOrderForUpdateAsync(order.Id, cancellationToken)
                   ?? throw new InvalidOperationException($"Order {order.Id} is Fulfilling but has no hold.");
        var wallet = await wallets.FindForUpdateAsync(order.WalletId, cancellationToken)
                     ?? throw new InvalidOperationException($"Wallet {order.WalletId} of order {order.Id} does not exist.");
        now = clock.StorableNow(); // under every lock, so the Payment entry is stamped in its wallet's sequence order

        OrderDto answer;
        if (result is { Outcome: FulfilmentOutcome.Fulfilled, FulfilmentId: { Length: > 0 and <= Order.MaxFulfilmentIdLength } fulfilmentId }
            && !string.IsNullOrWhiteSpace(fulfilmentId))
        {
            var capture = wallet.CaptureHold(hold, amount: null, OrderRefunds.SystemActor, now);
            wallets.AddEntry(capture.Entry);
            payments.Add(capture.Payment);
            order.Complete(fulfilmentId, capture.Payment.Id, attempts, now);
            answer = OrderDto.From(order, capture.Payment);
        }
        else
        {
            string reason;
            if (result.Outcome == FulfilmentOutcome.Refused)
                reason = string.IsNullOrWhiteSpace(result.Reason) ? DefaultFailureReason : result.Reason.Trim();
            else
            {
                reason = $"No definite answer from the fulfilment service before the order's deadline ({order.FulfilmentDeadline:O}): " +
                         (string.IsNullOrWhiteSpace(result.Reason) ? "unclear answer" : result.Reason.Trim());
                logger.LogError("Order {OrderId} NEEDS ATTENTION: its fulfilment deadline {Deadline:O} passed without a definite answer " +
                                "({What}); its hold is voided and the order Failed, but the service may still have fulfilled it",
                    order.Id, order.FulfilmentDeadline, result.Reason);
            }
            wallet.VoidHold(hold, now);
            order.FailFulfilment(OrderRefunds.Fit(reason, Order.MaxFailureReasonLength), attempts, now);
            answer = OrderDto.From(order, payment: null);
        }

        // A replay of the client's key now answers the outcome, not the Fulfilling order the first phase stored.
        if (command.Answer is { } key)
            await idempotency.ReplaceResponseAsync(key.Owner, key.Key, JsonSerializer.Serialize(answer, IdempotencyJson.Options), cancellationToken);
        return new FulfilmentStep(answer, Settled: true);
    }
}
