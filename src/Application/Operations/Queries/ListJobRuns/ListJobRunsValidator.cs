using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Operations.Queries.ListJobRuns;

public sealed class ListJobRunsValidator : AbstractValidator<ListJobRunsQuery>
{
    public ListJobRunsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).Must(JobRunFilter.IsValidStatus)
            .WithMessage($"'status' must be one of {string.Join(", ", Enum.GetNames<JobRunStatus>().Select(n => n.ToLowerInvariant()))}.");
        RuleFor(q => q.Job).MaximumLength(JobRunFilter.MaxJobNameLength)
            .WithMessage($"'job' may have at most {JobRunFilter.MaxJobNameLength} characters.");
    }
}
