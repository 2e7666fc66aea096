using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Payments;
using MediatR;

namespace CleanWallet.Application.Payments.Commands.PayByCard;

/// <summary>
/// A direct card payment: a payment record and a gateway charge, no wallet movement. Staff name the
/// customer it is for; a customer key pays for itself.
/// </summary>
public sealed record PayByCardCommand(decimal Amount, string Currency, string CardToken, string Description, Guid? CustomerId)
    : ICommand<PaymentDto>, IIdempotentCommand;

public sealed class PayByCardHandler(
    IPaymentStore payments,
    IReadStore read,
    ICardGateway gateway,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<PayByCardCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(PayByCardCommand command, CancellationToken cancellationToken)
    {
        limits.EnsureWithinMaximum(command.Amount);
        var customerId = await ResolveCustomerAsync(command, cancellationToken);
        var now = clock.StorableNow();
        var payment = PaymentRecord.StartCardPayment(customerId, walletId: null, command.Amount, command.Currency, command.Description, now);
        payments.Add(payment);

        var charge = await gateway.ChargeAsync(
            new CardChargeRequest(command.CardToken, command.Amount, command.Currency, command.Description,
                caller.OutboundIdempotencyKey("card-payment")), cancellationToken);

        if (charge.Approved)
            payment.MarkPaid(ledgerEntryId: null, charge.GatewayReference, now);
        else
            payment.MarkFailed(charge.DeclineCode ?? CardDeclineCodes.CardDeclined, now);
        return PaymentDto.From(payment);
    }

    private async Task<Guid> ResolveCustomerAsync(PayByCardCommand command, CancellationToken ct)
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
