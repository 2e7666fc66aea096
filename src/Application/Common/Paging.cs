using FluentValidation;

namespace CleanWallet.Application.Common;

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
