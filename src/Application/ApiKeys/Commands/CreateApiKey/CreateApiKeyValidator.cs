using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.ApiKeys.Commands.CreateApiKey;

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyCommand>
{
    private static readonly string RoleNames = string.Join(", ", ApiKeyRules.StaffRoles);

    public CreateApiKeyValidator()
    {
        RuleFor(c => c.Name).RequiredText("name", ApiKeyRules.MaxNameLength);
        // Exact names only, any case; "Customer" is refused because customer keys are issued under their customer.
        RuleFor(c => c.Role)
            .Must(role => ApiKeyRules.StaffRoles.Any(staff => string.Equals(staff.ToString(), role, StringComparison.OrdinalIgnoreCase)))
            .WithMessage($"'role' must be one of {RoleNames}.")
            .When(c => c.CustomerId is null);
    }
}
