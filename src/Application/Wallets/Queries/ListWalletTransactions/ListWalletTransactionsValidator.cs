using CleanWallet.Application.Common;
using CleanWallet.Domain.Wallets;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Queries.ListWalletTransactions;

public sealed class ListWalletTransactionsValidator : AbstractValidator<ListWalletTransactionsQuery>
{
    public ListWalletTransactionsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Type).ValidEnumName<ListWalletTransactionsQuery, LedgerEntryType>("type").When(q => q.Type is not null);
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("'to' must be after 'from'.");
    }
}
