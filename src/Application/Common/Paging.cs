using FluentValidation;

namespace CleanWallet.Application.Common;

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

/// <summary>Implemented by list queries so one rule set validates every page request.</summary>
public interface IPagedQuery
{
    int Page { get; }
    int PageSize { get; }
}

public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IRuleBuilderOptions<T, int> ValidPage<T>(this IRuleBuilder<T, int> rule) =>
        rule.GreaterThanOrEqualTo(1).WithMessage("'page' must be 1 or more.");

    public static IRuleBuilderOptions<T, int> ValidPageSize<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(1, MaxPageSize).WithMessage($"'pageSize' must be between 1 and {MaxPageSize}.");

    public static IQueryable<T> TakePage<T>(this IQueryable<T> query, IPagedQuery paged) =>
        query.Skip((paged.Page - 1) * paged.PageSize).Take(paged.PageSize);
}

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
