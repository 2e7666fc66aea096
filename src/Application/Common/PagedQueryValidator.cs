using FluentValidation;

namespace CleanWallet.Application.Common;

/// <summary>Validates the paging part of any list query.</summary>
public sealed class PagedQueryValidator : AbstractValidator<IPagedQuery>
{
    public PagedQueryValidator()
    {
        RuleFor(q => q.Page).ValidPage();
        RuleFor(q => q.PageSize).ValidPageSize();
        RuleFor(q => q.Page).Must((q, page) => (long)(page - 1) * q.PageSize <= int.MaxValue)
            .When(q => q.Page >= 1 && q.PageSize is >= 1 and <= Paging.MaxPageSize)
            .WithMessage("'page' is beyond the last possible page.");
    }
}
