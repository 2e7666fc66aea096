using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Wallets.Queries.ListWallets;

public sealed class ListWalletsValidator : AbstractValidator<ListWalletsQuery>
{
    public ListWalletsValidator() => Include(new PagedQueryValidator());
}
