using System.Globalization;
using FluentValidation;

namespace CleanWallet.Application.Statements.Queries.GetStatement;

public sealed class GetStatementValidator : AbstractValidator<GetStatementQuery>
{
    public GetStatementValidator() =>
        RuleFor(q => q.Month)
            .Must(month => DateTime.TryParseExact(month, GetStatementHandler.MonthFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                           && parsed.Year >= 2000)
            .WithMessage("'month' must be a month as yyyy-MM, e.g. 2026-11.");
}
