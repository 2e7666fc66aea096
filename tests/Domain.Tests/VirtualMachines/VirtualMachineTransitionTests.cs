using CleanWallet.Domain.Common;
using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

public class VirtualMachineTransitionTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 30, 0, TimeSpan.Zero);
    private static readonly VmRate Small = new(150.00m, 730);

    private static VirtualMachine NewVm(DateTimeOffset? at = null) =>
        VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), "web-1", "Small", at ?? T0);

    private static void AssertConflict(string code, Action action)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(code, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
    }

    [Fact]
    public void Provisioning_starts_running_with_the_current_hour_open()
    {
        var vm = NewVm();

        Assert.Equal(VmStatus.Running, vm.Status);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero), vm.BilledThrough);
        Assert.Equal(0L, vm.SizeHoursBilled);
        Assert.Equal(T0, vm.CreatedAt);
        Assert.Null(vm.DeletedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Provisioning_needs_a_name(string name)
    {
        var ex = Assert.Throws<DomainException>(() => VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), name, "Small", T0));
        Assert.Equal(DomainErrorCodes.InvalidArgument, ex.Code);
    }

    [Fact]
    public void Provisioning_refuses_a_name_over_200_characters()
    {
        Assert.Throws<DomainException>(() => VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), new string('n', 201), "Small", T0));
        Assert.Equal(200, VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), new string('n', 200), "Small", T0).Name.Length);
    }

    [Fact]
    public void Stop_settles_the_current_hour_and_a_second_stop_is_a_conflict()
    {
        var vm = NewVm();

        var settlement = vm.Stop(Small, T0.AddMinutes(10));

        Assert.Equal(VmStatus.Stopped, vm.Status);
        Assert.Single(settlement.Hours);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 11, 0, 0, TimeSpan.Zero), vm.BilledThrough);
        AssertConflict(VmErrorCodes.InvalidState, () => vm.Stop(Small, T0.AddMinutes(11)));
    }

    [Fact]
    public void A_suspended_vm_stops_without_a_charge()
    {
        var vm = NewVm();
        vm.Suspend(T0);

        var settlement = vm.Stop(Small, T0.AddHours(5));

        Assert.True(settlement.IsEmpty);
        Assert.Equal(VmStatus.Stopped, vm.Status);
        Assert.Equal(BillingHour.Floor(T0), vm.BilledThrough);
    }

    [Fact]
    public void Start_is_refused_when_running_and_allowed_when_stopped_or_suspended()
    {
        var vm = NewVm();
        AssertConflict(VmErrorCodes.InvalidState, () => vm.Start(T0));

        vm.Stop(Small, T0);
        vm.Start(T0.AddMinutes(5));
        Assert.Equal(VmStatus.Running, vm.Status);

        vm.Suspend(T0.AddMinutes(6));
        Assert.Equal(VmStatus.Suspended, vm.Status);
        vm.Start(T0.AddMinutes(7));
        Assert.Equal(VmStatus.Running, vm.Status);
    }

    [Fact]
    public void Starting_again_in_an_hour_already_settled_leaves_it_settled()
    {
        var vm = NewVm();
        vm.Stop(Small, T0.AddMinutes(5));
        var settledThrough = vm.BilledThrough;

        vm.Start(T0.AddMinutes(20));

        Assert.Equal(settledThrough, vm.BilledThrough);
        Assert.True(vm.Stop(Small, T0.AddMinutes(25)).IsEmpty);
    }

    [Fact]
    public void Starting_hours_later_never_bills_the_hours_while_stopped()
    {
        var vm = NewVm();
        vm.Stop(Small, T0);

        vm.Start(T0.AddHours(5).AddMinutes(10));

        Assert.Equal(BillingHour.Floor(T0.AddHours(5)), vm.BilledThrough);
        var settlement = vm.Stop(Small, T0.AddHours(5).AddMinutes(20));
        Assert.Equal([BillingHour.Floor(T0.AddHours(5))], settlement.Hours.Select(h => h.HourStart));
    }

    [Fact]
    public void Suspend_needs_a_running_vm()
    {
        var vm = NewVm();
        vm.Stop(Small, T0);

        AssertConflict(VmErrorCodes.InvalidState, () => vm.Suspend(T0));
    }

    [Fact]
    public void Delete_settles_a_running_vm_and_then_every_action_is_a_vm_deleted_conflict()
    {
        var vm = NewVm();

        var settlement = vm.Delete(Small, T0.AddHours(2));

        Assert.Equal(3, settlement.Hours.Count);
        Assert.Equal(VmStatus.Deleted, vm.Status);
        Assert.Equal(T0.AddHours(2), vm.DeletedAt);
        AssertConflict(VmErrorCodes.Deleted, () => vm.Stop(Small, T0.AddHours(3)));
        AssertConflict(VmErrorCodes.Deleted, () => vm.Start(T0.AddHours(3)));
        AssertConflict(VmErrorCodes.Deleted, () => vm.Resize("Medium", Small, T0.AddHours(3)));
        AssertConflict(VmErrorCodes.Deleted, () => vm.Delete(Small, T0.AddHours(3)));
        AssertConflict(VmErrorCodes.Deleted, () => vm.Suspend(T0.AddHours(3)));
    }

    [Fact]
    public void Deleting_a_stopped_vm_charges_nothing()
    {
        var vm = NewVm();
        vm.Stop(Small, T0);

        Assert.True(vm.Delete(Small, T0.AddHours(4)).IsEmpty);
        Assert.Equal(VmStatus.Deleted, vm.Status);
    }

    [Fact]
    public void Resizing_a_running_vm_settles_the_current_hour_at_the_old_size_and_restarts_the_count()
    {
        var vm = NewVm();

        var settlement = vm.Resize("Medium", Small, T0.AddHours(1));

        Assert.Equal(2, settlement.Hours.Count);
        Assert.All(settlement.Hours, h => Assert.Equal("Small", h.Size));
        Assert.Equal("Medium", vm.Size);
        Assert.Equal(0L, vm.SizeHoursBilled);
        Assert.Equal(VmStatus.Running, vm.Status);
        Assert.Equal(BillingHour.Floor(T0.AddHours(1)) + BillingHour.Length, vm.BilledThrough);
    }

    [Fact]
    public void Resizing_a_stopped_vm_charges_nothing_and_resets_the_count()
    {
        var vm = NewVm();
        vm.Stop(Small, T0.AddHours(3));
        Assert.Equal(4L, vm.SizeHoursBilled);

        var settlement = vm.Resize("Large", Small, T0.AddHours(4));

        Assert.True(settlement.IsEmpty);
        Assert.Equal("Large", vm.Size);
        Assert.Equal(0L, vm.SizeHoursBilled);
        Assert.Equal(VmStatus.Stopped, vm.Status);
    }

    [Fact]
    public void Resizing_to_the_size_it_has_changes_nothing()
    {
        var vm = NewVm();
        vm.Stop(Small, T0.AddHours(3));
        var updated = vm.UpdatedAt;

        var settlement = vm.Resize("small", Small, T0.AddHours(4));

        Assert.True(settlement.IsEmpty);
        Assert.Equal("Small", vm.Size);
        Assert.Equal(4L, vm.SizeHoursBilled);
        Assert.Equal(updated, vm.UpdatedAt);
    }
}
