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
        RuleFor(q => q.ReferenceType).MaximumLength(32).WithMessage("'referenceType' may have at most 32 characters.");
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("'to' must be after 'from'.");
        RuleFor(q => q.After).GreaterThan(0L).When(q => q.After is not null).WithMessage("'after' must be a cursor from a previous page.");
        RuleFor(q => q.Page).Equal(1).When(q => q.After is not null)
            .WithMessage("Use either 'page' or the 'after' cursor, not both.");
    }
}
