using CleanWallet.Application.Common;
using CleanWallet.Domain.Holds;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Holds.Commands.PlaceHold;

public sealed class PlaceHoldValidator : AbstractValidator<PlaceHoldCommand>
{
    public PlaceHoldValidator(IOptions<HoldOptions> options)
    {
        var maxExpiry = options.Value.MaxExpirySeconds;
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Description).RequiredText("description", Hold.MaxDescriptionLength);
        RuleFor(c => c.Reference).MaximumLength(Hold.MaxReferenceLength)
            .WithMessage($"'reference' may have at most {Hold.MaxReferenceLength} characters.");
        RuleFor(c => c.ExpiresInSeconds!.Value).InclusiveBetween(1, maxExpiry)
            .OverridePropertyName("expiresInSeconds")
            .WithMessage($"'expiresInSeconds' must be between 1 and {maxExpiry}.")
            .When(c => c.ExpiresInSeconds is not null);
    }
}
