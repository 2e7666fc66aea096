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
}
