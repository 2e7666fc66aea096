using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Holds.Commands.CaptureHold;

public sealed class CaptureHoldValidator : AbstractValidator<CaptureHoldCommand>
{
    public CaptureHoldValidator() =>
        When(c => c.Amount is not null, () =>
            RuleFor(c => c.Amount!.Value).ValidAmount().OverridePropertyName(nameof(CaptureHoldCommand.Amount)));
}
