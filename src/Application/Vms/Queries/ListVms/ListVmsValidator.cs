using CleanWallet.Application.Common;
using CleanWallet.Domain.VirtualMachines;
using FluentValidation;

namespace CleanWallet.Application.Vms.Queries.ListVms;

public sealed class ListVmsValidator : AbstractValidator<ListVmsQuery>
{
    public ListVmsValidator()
    {
        Include(new PagedQueryValidator());
        RuleFor(q => q.Status).ValidEnumName<ListVmsQuery, VmStatus>("status").When(q => q.Status is not null);
    }
}
