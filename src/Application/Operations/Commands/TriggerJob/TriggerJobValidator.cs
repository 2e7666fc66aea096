using CleanWallet.Application.Common;
using CleanWallet.Application.Operations.Queries.ListJobRuns;
using FluentValidation;

namespace CleanWallet.Application.Operations.Commands.TriggerJob;

public sealed class TriggerJobValidator : AbstractValidator<TriggerJobCommand>
{
    public TriggerJobValidator() => RuleFor(c => c.Job).RequiredText("job", JobRunFilter.MaxJobNameLength);
}
