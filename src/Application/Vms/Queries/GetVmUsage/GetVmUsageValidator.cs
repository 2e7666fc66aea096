using CleanWallet.Application.Common;
using FluentValidation;

namespace CleanWallet.Application.Vms.Queries.GetVmUsage;

public sealed class GetVmUsageValidator : AbstractValidator<GetVmUsageQuery>
{
    public GetVmUsageValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.VmId).NotEmpty().WithMessage("'vmId' is required.");
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null)
            .WithMessage("'to' must be after 'from'.");
    }
}
