using CleanWallet.Application.Common;
using CleanWallet.Domain.Wallets;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Queries.ListWalletTransactions;

public sealed class ListWalletTransactionsValidator : AbstractValidator<ListWalletTransactionsQuery>
{
    public ListWalletTransactionsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Type)
            .Must(t => Enum.TryParse<LedgerEntryType>(t, ignoreCase: true, out _) && !int.TryParse(t, out _))
            .When(q => q.Type is not null)
            .WithMessage($"'type' must be one of {string.Join(", ", Enum.GetNames<LedgerEntryType>())}.");
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("'to' must be after 'from'.");
    }
}
