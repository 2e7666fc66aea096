using FluentValidation;

namespace CleanWallet.Application.Vms;

public static class VmValidationRules
{
    /// <summary>A size of the catalogue, any letter case; the message lists the sizes there are.</summary>
    public static IRuleBuilderOptions<T, string> ValidVmSize<T>(this IRuleBuilder<T, string> rule, VmCatalog catalog) =>
        rule.Must(size => catalog.Find(size) is not null)
            .WithMessage($"'size' must be one of {string.Join(", ", catalog.Sizes.Select(s => s.Name))}.");
}
