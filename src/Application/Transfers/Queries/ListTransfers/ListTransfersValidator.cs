using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Transfers.Queries.ListTransfers;

public sealed class ListTransfersValidator : AbstractValidator<ListTransfersQuery>
{
    public ListTransfersValidator()
    {
        Include(new PagedQueryValidator());
    }
}
