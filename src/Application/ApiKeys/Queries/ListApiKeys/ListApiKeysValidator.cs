using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.ApiKeys.Queries.ListApiKeys;

public sealed class ListApiKeysValidator : AbstractValidator<ListApiKeysQuery>
{
    public ListApiKeysValidator() => Include(new PagedQueryValidator());
}
