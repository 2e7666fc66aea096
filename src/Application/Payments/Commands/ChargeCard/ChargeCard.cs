using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments.Commands.RecordCardChargeOutcome;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Payments;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Payments.Commands.ChargeCard;

/// <summary>
/// Charges the card for a card payment the first phase committed Pending (<paramref name="Started"/>, fresh or replayed
/// for the client's idempotency key), then records the outcome (<see cref="RecordCardChargeOutcomeCommand"/>).
/// Deliberately not an <c>ICommand</c>: the processor is called with no transaction open and no row locked. The call
/// carries the payment's own key, so a client replay of a payment still Pending continues that same charge and the
/// processor answers its first result instead of charging again. Neither the call nor the recording is tied to the
/// client's connection: a client that hangs up does not leave a charged card unrecorded when it can be recorded now.
/// When the processor gives no definitive answer, or recording it fails, the payment is answered Pending; the
/// reconciliation job settles it.
/// </summary>
public sealed record ChargeCardCommand(PaymentDto Started, string CardToken) : IRequest<PaymentDto>;

public sealed class ChargeCardHandler(
    IReadStore read,
    ICardGateway gateway,
    ICallerContext caller,
    IServiceScopeFactory scopes,
    ILogger<ChargeCardHandler> logger) : IRequestHandler<ChargeCardCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(ChargeCardCommand command, CancellationToken cancellationToken)
    {
        // A replay of a request whose outcome was recorded answers that outcome.
        if (command.Started.Status != nameof(PaymentStatus.Pending))
            return command.Started;

        var paymentId = command.Started.Id;
        // From here on nothing is tied to the client's connection (see above).
        var payment = await read.FirstOrDefaultAsync(read.Payments.Where(p => p.Id == paymentId), CancellationToken.None)
                      ?? throw new NotFoundException("Payment", paymentId);
        // Settled meanwhile (by reconciliation or a concurrent replay), or waiting for a person: nothing to charge.
        if (payment.Status != PaymentStatus.Pending || payment.GatewayMismatch is not null || payment.GatewayIdempotencyKey is null)
            return PaymentDto.From(payment);

        CardChargeResult outcome;
        try
        {
            outcome = await gateway.ChargeAsync(new CardChargeRequest(command.CardToken, payment.Amount, payment.Currency,
                payment.Description, payment.GatewayIdempotencyKey), CancellationToken.None);
        }
        catch (CardGatewayUnavailableException ex)
        {
            logger.LogWarning(ex, "Card payment {PaymentId}: the processor gave no definitive answer; it stays Pending for reconciliation", payment.Id);
            return command.Started;
        }

        try
        {
            // A fresh scope, so a fresh unit of work: rows the first phase loaded (the wallet) would otherwise come back
            // from its change tracker as they were then, not as the lock reads them now.
            await using var scope = scopes.CreateAsyncScope();
            var answer = caller.IdempotencyKey is { } key ? new IdempotentAnswer(caller.CallerId, key) : null;
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new RecordCardChargeOutcomeCommand(payment.Id, outcome, caller.Actor, answer), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Card payment {PaymentId}: recording the processor's answer (approved: {Approved}) failed; " +
                                "it stays Pending for reconciliation", payment.Id, outcome.Approved);
            return command.Started;
        }
    }
}
