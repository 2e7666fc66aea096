using CleanWallet.Application.Common;
using CleanWallet.Application.Operations.Queries.ListJobRuns;
using FluentValidation;

namespace CleanWallet.Application.Operations.Queries.GetOperationsDashboard;

public sealed class GetOperationsDashboardValidator : AbstractValidator<GetOperationsDashboardQuery>
{
    public GetOperationsDashboardValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).Must(JobRunFilter.IsValidStatus).WithMessage("'status' must be running, succeeded or failed.");
        RuleFor(q => q.Job).MaximumLength(JobRunFilter.MaxJobNameLength)
            .WithMessage($"'job' may have at most {JobRunFilter.MaxJobNameLength} characters.");
    }
}
