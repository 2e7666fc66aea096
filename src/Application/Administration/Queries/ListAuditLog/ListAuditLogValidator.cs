using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Administration.Queries.ListAuditLog;

public sealed class ListAuditLogValidator : AbstractValidator<ListAuditLogQuery>
{
    /// <summary>The audit log's action column holds this many characters; a longer filter can match nothing.</summary>
    private const int MaxActionLength = 64;

    public ListAuditLogValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Action).NotEmpty().WithMessage("'action' may not be empty when given.")
            .MaximumLength(MaxActionLength).WithMessage($"'action' may have at most {MaxActionLength} characters.")
            .When(q => q.Action is not null);
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("'to' must be after 'from'.");
    }
}
