using System.Globalization;
using FluentValidation;

namespace CleanWallet.Application.Statements.Queries.GetStatement;

/// <summary>
/// A statement exists for the months from <see cref="FirstMonth"/> up to next month (UTC). Next month is allowed so a
/// client whose local month has already turned gets an (empty) statement, not an error; anything later, like 9999-12
/// whose end would lie past the last representable date, is a 400 before a query is run.
/// </summary>
public sealed class GetStatementValidator : AbstractValidator<GetStatementQuery>
{
    public static readonly DateOnly FirstMonth = new(2000, 1, 1);

    public GetStatementValidator(TimeProvider clock) =>
        RuleFor(q => q.Month)
            .Must(month => DateOnly.TryParseExact(month, GetStatementHandler.MonthFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage("'month' must be a month as yyyy-MM, e.g. 2026-11.")
            .DependentRules(() => RuleFor(q => q.Month)
                .Must(month => IsInRange(month, LastMonth(clock)))
                .WithMessage(_ => $"'month' must be from {FirstMonth.ToString(GetStatementHandler.MonthFormat, CultureInfo.InvariantCulture)} " +
                                  $"to {LastMonth(clock).ToString(GetStatementHandler.MonthFormat, CultureInfo.InvariantCulture)} (next month)."));

    private static DateOnly LastMonth(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new DateOnly(now.Year, now.Month, 1).AddMonths(1);
    }

    private static bool IsInRange(string month, DateOnly last)
    {
        var parsed = DateOnly.ParseExact(month, GetStatementHandler.MonthFormat, CultureInfo.InvariantCulture);
        return parsed >= FirstMonth && parsed <= last;
    }
}
