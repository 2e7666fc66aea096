using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.Vms;

internal static class VmReads
{
    /// <summary>Another customer's VM is reported as missing, like every other resource.</summary>
    public static async Task<VmDto> ReadableAsync(IReadStore read, ICallerContext caller, Guid vmId, CancellationToken ct)
    {
        var vm = await read.FirstOrDefaultAsync(read.Vms.Where(v => v.Id == vmId).Select(VmDto.Projection), ct);
        return vm is not null && caller.CanAccess(vm.CustomerId) ? vm : throw new NotFoundException("VM", vmId);
    }
}
