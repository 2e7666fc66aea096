using CleanWallet.Application.Vms;
using CleanWallet.Domain.VirtualMachines;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class VmStore(WalletDbContext db) : IVmStore
{
    public Task<VirtualMachine?> FindForUpdateAsync(Guid vmId, CancellationToken ct) =>
        db.Set<VirtualMachine>().FromSql($"SELECT * FROM vms WHERE id = {vmId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public void Add(VirtualMachine vm) => db.Set<VirtualMachine>().Add(vm);

    public void AddUsage(IEnumerable<VmUsage> hours) => db.Set<VmUsage>().AddRange(hours);
}
