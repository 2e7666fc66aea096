using FluentValidation;

namespace CleanWallet.Application.Administration.Commands.UnfreezeWallet;

public sealed class UnfreezeWalletValidator : AbstractValidator<UnfreezeWalletCommand>
{
    public UnfreezeWalletValidator() =>
        RuleFor(c => c.Reason).MaximumLength(AdministrationAudit.MaxReasonLength)
            .WithMessage($"'reason' may have at most {AdministrationAudit.MaxReasonLength} characters.");
}
