using CleanWallet.Application.Common;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Customers;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Customers.Commands.CreateCustomer;

public sealed class CreateCustomerValidator : AbstractValidator<CreateCustomerCommand>
{
    public CreateCustomerValidator(IOptions<LimitOptions> limits)
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("'name' is required.")
            .MaximumLength(Customer.MaxNameLength).WithMessage($"'name' may have at most {Customer.MaxNameLength} characters.");
        RuleFor(c => c.BillingModel).ValidEnumName<CreateCustomerCommand, BillingModel>("billingModel");
        RuleFor(c => c.CreditLimit!.Value)
            .GreaterThanOrEqualTo(0m).WithMessage("'creditLimit' may not be negative.")
            .Must(Money.HasAtMostTwoDecimals).WithMessage("'creditLimit' may have at most two decimals.")
            .LessThanOrEqualTo(limits.Value.MaxTransactionAmount).WithMessage($"'creditLimit' may be at most {limits.Value.MaxTransactionAmount:0.00}.")
            .OverridePropertyName("creditLimit")
            .When(c => c.CreditLimit is not null);
        RuleFor(c => c.CreditLimit)
            .Must(limit => limit is null or 0m).WithMessage("A Payg (prepaid) customer cannot have a credit limit.")
            .When(c => string.Equals(c.BillingModel, nameof(BillingModel.Payg), StringComparison.OrdinalIgnoreCase));
        RuleFor(c => c.Currency!).ValidCurrency().OverridePropertyName("currency").When(c => c.Currency is not null);
    }
}
