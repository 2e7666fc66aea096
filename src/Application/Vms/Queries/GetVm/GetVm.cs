using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Queries.GetVm;

/// <summary>One VM, deleted ones included; another customer's VM is a 404.</summary>
public sealed record GetVmQuery(Guid VmId) : IQuery<VmDto>;

public sealed class GetVmHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetVmQuery, VmDto>
{
    public Task<VmDto> Handle(GetVmQuery query, CancellationToken cancellationToken) =>
        VmReads.ReadableAsync(read, caller, query.VmId, cancellationToken);
}
