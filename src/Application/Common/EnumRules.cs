using FluentValidation;

namespace CleanWallet.Application.Common;

public static class EnumRules
{
    /// <summary>The name of one <typeparamref name="TEnum"/> value, any case; numbers are refused so clients cannot depend on ordinals.</summary>
    public static IRuleBuilderOptions<T, string?> ValidEnumName<T, TEnum>(this IRuleBuilder<T, string?> rule, string field)
        where TEnum : struct, Enum =>
        // Exact names only: Enum.TryParse would also take "Deposit,Payment" (flags) or " 1 ".
        rule.Must(value => Enum.GetNames<TEnum>().Any(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase)))
            .WithMessage($"'{field}' must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
}
