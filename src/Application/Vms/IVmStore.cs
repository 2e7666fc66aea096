using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Application.Vms;

public interface IVmStore
{
    /// <summary>
    /// Loads the VM and holds a row lock on it until the transaction ends. VM handlers take this lock first and the
    /// wallet's second, the same order as the billing run, so a settlement and a run queue instead of deadlocking.
    /// </summary>
    Task<VirtualMachine?> FindForUpdateAsync(Guid vmId, CancellationToken ct);

    void Add(VirtualMachine vm);

    void AddUsage(IEnumerable<VmUsage> hours);

    void AddIdle(VmIdlePeriod idle);

    /// <summary>The sizes of the wallet's Running VMs, but <paramref name="exceptVmId"/>'s, as committed now (read it under the wallet lock).</summary>
    Task<IReadOnlyList<string>> RunningSizesAsync(Guid walletId, Guid? exceptVmId, CancellationToken ct);
}
