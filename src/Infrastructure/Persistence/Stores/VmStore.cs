using CleanWallet.Application.Vms;
using CleanWallet.Domain.VirtualMachines;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class VmStore(WalletDbContext db) : IVmStore
{
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<VirtualMachine?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid vmId, CancellationToken _) =>
            context.Set<VirtualMachine>().TagWith(RowLocking.ForUpdate).SingleOrDefault(v => v.Id == vmId));

    public Task<VirtualMachine?> FindForUpdateAsync(Guid vmId, CancellationToken ct) => ForUpdate(db, vmId, ct);

    public void Add(VirtualMachine vm) => db.Set<VirtualMachine>().Add(vm);

    public void AddUsage(IEnumerable<VmUsage> hours) => db.Set<VmUsage>().AddRange(hours);

    public void AddIdle(VmIdlePeriod idle) => db.Set<VmIdlePeriod>().Add(idle);

    public async Task<IReadOnlyList<string>> RunningSizesAsync(Guid walletId, Guid? exceptVmId, CancellationToken ct) =>
        await db.Set<VirtualMachine>().AsNoTracking()
            .Where(v => v.WalletId == walletId && v.Status == VmStatus.Running && v.Id != exceptVmId)
            .Select(v => v.Size)
            .ToListAsync(ct);
}
