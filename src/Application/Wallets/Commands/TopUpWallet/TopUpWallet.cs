using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.ChargeCard;
using CleanWallet.Domain.Payments;
using MediatR;

namespace CleanWallet.Application.Wallets.Commands.TopUpWallet;

/// <summary>
/// Charge a card and credit the wallet with a Deposit entry linked to the card payment, in two phases with the card charged
/// in between (<see cref="StartTopUpCommand"/>, then <see cref="ChargeCardCommand"/>). Not an <c>ICommand</c> itself: each
/// phase has its own transaction and the card is charged with none open.
/// </summary>
public sealed record TopUpWalletCommand(Guid WalletId, decimal Amount, string CardToken) : IRequest<PaymentDto>;

public sealed class TopUpWalletHandler(IMediator mediator) : IRequestHandler<TopUpWalletCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(TopUpWalletCommand command, CancellationToken cancellationToken)
    {
        var started = await mediator.Send(new StartTopUpCommand(command.WalletId, command.Amount, command.CardToken), cancellationToken);
        var charged = await mediator.Send(new ChargeCardCommand(started, command.CardToken), cancellationToken);
        // A replayed first phase makes the answer a replay, even when the charge it continued has an outcome only now.
        return charged with { Replayed = started.Replayed };
    }
}

/// <summary>
/// The first phase: the top-up's card payment committed Pending, with the key the processor will know its charge by. It
/// claims the client's idempotency key, so a replay gets this payment back (and continues it) instead of a new one. The
/// card token is part of the request (a replay with another card is another request) but is not stored.
/// </summary>
public sealed record StartTopUpCommand(Guid WalletId, decimal Amount, string CardToken) : IIdempotentCommand<PaymentDto>;

public sealed class StartTopUpHandler(
    IWalletStore wallets,
    IPaymentStore payments,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<StartTopUpCommand, PaymentDto>
{
    public const string Description = "Card top-up";

    public async Task<PaymentDto> Handle(StartTopUpCommand command, CancellationToken cancellationToken)
    {
        limits.EnsureWithinMaximum(command.Amount);
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow();
        var payment = PaymentRecord.StartCardPayment(wallet.CustomerId, wallet.Id, command.Amount, wallet.Currency, Description, now);
        payments.Add(payment);
        // No wallet figures: nothing has moved yet.
        return PaymentDto.From(payment);
    }
}
