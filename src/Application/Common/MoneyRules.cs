using CleanWallet.Domain.Common;
using FluentValidation;

namespace CleanWallet.Application.Common;

public static class MoneyRules
{
    /// <summary>Positive with at most two decimals. The per-transaction maximum is a business limit (422), checked by <see cref="TransactionLimits"/>.</summary>
    public static IRuleBuilderOptions<T, decimal> ValidAmount<T>(this IRuleBuilder<T, decimal> rule) =>
        rule.GreaterThan(0m).WithMessage("'amount' must be greater than 0.")
            .Must(Money.HasAtMostTwoDecimals).WithMessage("'amount' may have at most two decimals.");

    public static IRuleBuilderOptions<T, string> ValidCurrency<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(Money.IsValidCurrency).WithMessage("'currency' must be an active ISO 4217 code in capitals, e.g. ZAR.");

    public static IRuleBuilderOptions<T, string> RequiredText<T>(this IRuleBuilder<T, string> rule, string field, int maxLength) =>
        rule.NotEmpty().WithMessage($"'{field}' is required.")
            .MaximumLength(maxLength).WithMessage($"'{field}' may have at most {maxLength} characters.");
}
