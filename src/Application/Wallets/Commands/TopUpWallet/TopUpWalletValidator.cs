using CleanWallet.Application.Common;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Wallets.Commands.TopUpWallet;

public sealed class TopUpWalletValidator : AbstractValidator<TopUpWalletCommand>
{
    public TopUpWalletValidator(IOptions<MoneyOptions> money)
    {
        RuleFor(c => c.Amount).ValidAmount(money.Value.MaxAmount);
        RuleFor(c => c.CardToken).RequiredText("cardToken", 200);
    }
}
