using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.VirtualMachines;
using MediatR;

namespace CleanWallet.Application.Vms.Queries.ListVms;

/// <summary>VMs newest first, optionally of one status; a customer sees only its own, staff see all.</summary>
public sealed record ListVmsQuery(int Page, int PageSize, string? Status) : IQuery<PagedResult<VmDto>>, IPagedQuery;

public sealed class ListVmsHandler(IReadStore read, ICallerContext caller) : IRequestHandler<ListVmsQuery, PagedResult<VmDto>>
{
    public async Task<PagedResult<VmDto>> Handle(ListVmsQuery query, CancellationToken cancellationToken)
    {
        var vms = read.Vms;
        if (caller.Role == CallerRole.Customer)
        {
            var customerId = caller.CustomerId;
            vms = vms.Where(v => v.CustomerId == customerId);
        }
        if (query.Status is not null)
        {
            var status = Enum.Parse<VmStatus>(query.Status, ignoreCase: true);
            vms = vms.Where(v => v.Status == status);
        }

        var total = await read.CountAsync(vms, cancellationToken);
        var items = await read.ToListAsync(
            vms.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id).TakePage(query).Select(VmDto.Projection),
            cancellationToken);
        return new PagedResult<VmDto>(items, query.Page, query.PageSize, total);
    }
}
