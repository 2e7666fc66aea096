namespace CleanWallet.Domain.VirtualMachines;

/// <summary>Stable codes of refused VM operations, returned unchanged by the API (both are 409 Conflict).</summary>
public static class VmErrorCodes
{
    /// <summary>The VM's status does not allow the operation, e.g. stopping a Stopped VM or starting a Running one.</summary>
    public const string InvalidState = "invalid_state";

    /// <summary>The VM is deleted: it can still be read, but nothing can be done to it.</summary>
    public const string Deleted = "vm_deleted";
}
