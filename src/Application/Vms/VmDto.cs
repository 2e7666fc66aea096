using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Application.Vms;

/// <summary>
/// A VM as the API shows it. <see cref="PeakSize"/> is the largest size it has run at in the hour starting at
/// <see cref="BilledThrough"/> (the size that hour will be billed at; null when it has not run in it).
/// <see cref="Settled"/> is set only on the answer of a start, stop, resize or delete that billed hours: what that
/// request billed.
/// </summary>
public sealed record VmDto(
    Guid Id,
    Guid CustomerId,
    Guid WalletId,
    string Name,
    string Size,
    string Status,
    DateTimeOffset BilledThrough,
    string? PeakSize,
    long SizeHoursBilled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DeletedAt,
    VmSettlementDto? Settled = null) : IdempotentResponse
{
    public static VmDto From(VirtualMachine vm, VmSettlementDto? settled = null) => new(
        vm.Id, vm.CustomerId, vm.WalletId, vm.Name, vm.Size, vm.Status.ToString(), vm.BilledThrough, vm.PeakSize, vm.SizeHoursBilled,
        vm.CreatedAt, vm.UpdatedAt, vm.DeletedAt, settled);

    /// <summary>Used by EF queries, so the database returns only these columns.</summary>
    public static readonly Expression<Func<VirtualMachine, VmDto>> Projection = vm => new VmDto(
        vm.Id, vm.CustomerId, vm.WalletId, vm.Name, vm.Size, vm.Status.ToString(), vm.BilledThrough, vm.PeakSize, vm.SizeHoursBilled,
        vm.CreatedAt, vm.UpdatedAt, vm.DeletedAt, null);
}
