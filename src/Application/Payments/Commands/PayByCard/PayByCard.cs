using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments.Commands.ChargeCard;
using CleanWallet.Domain.Payments;
using MediatR;

namespace CleanWallet.Application.Payments.Commands.PayByCard;

/// <summary>
/// A direct card payment: a payment record and a gateway charge, no wallet movement. Staff name the customer it is for; a
/// customer key pays for itself. Two phases with the card charged in between (<see cref="StartCardPaymentCommand"/>, then
/// <see cref="ChargeCardCommand"/>); not an <c>ICommand</c> itself, so the card is charged with no transaction open.
/// </summary>
public sealed record PayByCardCommand(decimal Amount, string Currency, string CardToken, string Description, Guid? CustomerId)
    : IRequest<PaymentDto>;

public sealed class PayByCardHandler(IMediator mediator) : IRequestHandler<PayByCardCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(PayByCardCommand command, CancellationToken cancellationToken)
    {
        var started = await mediator.Send(new StartCardPaymentCommand(command.Amount, command.Currency, command.CardToken,
            command.Description, command.CustomerId), cancellationToken);
        var charged = await mediator.Send(new ChargeCardCommand(started, command.CardToken), cancellationToken);
        // A replayed first phase makes the answer a replay, even when the charge it continued has an outcome only now.
        return charged with { Replayed = started.Replayed };
    }
}

/// <summary>
/// The first phase: the card payment committed Pending with the key the processor will know its charge by, claiming the
/// client's idempotency key (a replay gets this payment back and continues it). The card token is part of the request
/// but is not stored.
/// </summary>
public sealed record StartCardPaymentCommand(decimal Amount, string Currency, string CardToken, string Description, Guid? CustomerId)
    : IIdempotentCommand<PaymentDto>;

public sealed class StartCardPaymentHandler(
    IPaymentStore payments,
    IReadStore read,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<StartCardPaymentCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(StartCardPaymentCommand command, CancellationToken cancellationToken)
    {
        limits.EnsureWithinMaximum(command.Amount);
        var customerId = await ResolveCustomerAsync(command, cancellationToken);
        var now = clock.StorableNow();
        var payment = PaymentRecord.StartCardPayment(customerId, walletId: null, command.Amount, command.Currency, command.Description, now);
        payments.Add(payment);
        return PaymentDto.From(payment);
    }

    private async Task<Guid> ResolveCustomerAsync(StartCardPaymentCommand command, CancellationToken ct)
    {
        if (caller.Role == CallerRole.Customer)
        {
            if (command.CustomerId is { } other && other != caller.CustomerId)
                throw new NotFoundException("Customer", other);
            return caller.CustomerId!.Value;
        }

        // The validator makes staff name the customer.
        var customerId = command.CustomerId!.Value;
        var exists = await read.CountAsync(read.Customers.Where(c => c.Id == customerId), ct) > 0;
        return exists ? customerId : throw new NotFoundException("Customer", customerId);
    }
}
