using CleanWallet.Application.Common;
using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Wallets;
using FluentValidation;

namespace CleanWallet.Application.Administration.Commands.AdjustWallet;

public sealed class AdjustWalletValidator : AbstractValidator<AdjustWalletCommand>
{
    public AdjustWalletValidator()
    {
        RuleFor(c => c.Direction).ValidEnumName<AdjustWalletCommand, LedgerDirection>("direction");
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Reason).RequiredText("reason", Adjustment.MaxReasonLength);
    }
}
