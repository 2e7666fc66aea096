using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Commands.TopUpWallet;

public sealed class TopUpWalletValidator : AbstractValidator<TopUpWalletCommand>
{
    public TopUpWalletValidator()
    {
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.CardToken).RequiredText("cardToken", 200);
    }
}
