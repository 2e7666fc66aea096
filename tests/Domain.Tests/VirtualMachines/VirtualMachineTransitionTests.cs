using CleanWallet.Domain.Common;
using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

public class VirtualMachineTransitionTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Hour10 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly VmPriceList Prices = TestPrices.Catalogue;

    private static VirtualMachine NewVm(DateTimeOffset? at = null) =>
        VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), "web-1", "Small", at ?? T0);

    private static void AssertConflict(string code, Action action)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(code, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
    }

    [Fact]
    public void Provisioning_starts_running_with_the_current_hour_open_at_its_size()
    {
        var vm = NewVm();

        Assert.Equal(VmStatus.Running, vm.Status);
        Assert.Equal(Hour10, vm.BilledThrough);
        Assert.Equal("Small", vm.PeakSize);
        Assert.Null(vm.BilledSize);
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
        Assert.Equal(ErrorCodes.InvalidArgument, ex.Code);
    }

    [Fact]
    public void Provisioning_refuses_a_name_over_200_characters()
    {
        Assert.Throws<DomainException>(() => VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), new string('n', 201), "Small", T0));
        Assert.Equal(200, VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), new string('n', 200), "Small", T0).Name.Length);
    }

    [Fact]
    public void Stop_leaves_the_current_hour_open_at_its_peak_and_a_second_stop_is_a_conflict()
    {
        var vm = NewVm();

        var settlement = vm.Stop(Prices, T0.AddMinutes(10));

        Assert.Equal(VmStatus.Stopped, vm.Status);
        Assert.True(settlement.IsEmpty);
        Assert.Equal(Hour10, vm.BilledThrough);
        Assert.Equal("Small", vm.PeakSize);
        AssertConflict(ErrorCodes.Conflict, () => vm.Stop(Prices, T0.AddMinutes(11)));
    }

    [Fact]
    public void Stop_settles_the_ended_hours_but_not_the_current_one()
    {
        var vm = NewVm();

        var settlement = vm.Stop(Prices, T0.AddHours(2));

        Assert.Equal([Hour10, Hour10.AddHours(1)], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(Hour10.AddHours(2), vm.BilledThrough);
        Assert.Equal("Small", vm.PeakSize);
    }

    [Fact]
    public void A_vm_suspended_at_an_hour_boundary_stops_without_a_charge_for_the_hours_it_was_suspended()
    {
        var vm = NewVm(Hour10);
        vm.Suspend(Hour10);
        // The billing run suspends as of its cutoff; a suspension by a request keeps the hour it ran in.
        var settlement = vm.Stop(Prices, Hour10.AddHours(5));

        Assert.Equal([Hour10], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(Hour10.AddHours(1), settlement.Idle!.FromHour);
        Assert.Equal(Hour10.AddHours(5), settlement.Idle.ToHour);
        Assert.Equal(VmStatus.Stopped, vm.Status);
        Assert.Equal(Hour10.AddHours(5), vm.BilledThrough);
        Assert.Null(vm.PeakSize);
    }

    [Fact]
    public void Start_is_refused_when_running_and_allowed_when_stopped_or_suspended()
    {
        var vm = NewVm();
        AssertConflict(ErrorCodes.Conflict, () => vm.Start(Prices, T0));

        vm.Stop(Prices, T0);
        vm.Start(Prices, T0.AddMinutes(5));
        Assert.Equal(VmStatus.Running, vm.Status);

        vm.Suspend(T0.AddMinutes(6));
        Assert.Equal(VmStatus.Suspended, vm.Status);
        vm.Start(Prices, T0.AddMinutes(7));
        Assert.Equal(VmStatus.Running, vm.Status);
    }

    [Fact]
    public void Stopping_and_starting_again_within_an_hour_bills_that_hour_once()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0.AddMinutes(5));

        Assert.True(vm.Start(Prices, T0.AddMinutes(20)).IsEmpty);
        var settlement = vm.Stop(Prices, T0.AddHours(1));

        Assert.Equal([(Hour10, "Small")], settlement.Hours.Select(h => (h.HourStart, h.Size)));
        Assert.Null(settlement.Idle);
    }

    [Fact]
    public void Starting_hours_later_bills_the_hour_it_stopped_in_and_records_the_hours_while_stopped_as_idle()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0);

        var settlement = vm.Start(Prices, T0.AddHours(5).AddMinutes(10));

        Assert.Equal([Hour10], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal((Hour10.AddHours(1), Hour10.AddHours(5), 4L), (settlement.Idle!.FromHour, settlement.Idle.ToHour, settlement.Idle.Hours));
        Assert.Equal(Hour10.AddHours(5), vm.BilledThrough);
        Assert.Equal("Small", vm.PeakSize);
        var next = vm.Stop(Prices, T0.AddHours(6));
        Assert.Equal([Hour10.AddHours(5)], next.Hours.Select(h => h.HourStart));
    }

    [Fact]
    public void Suspend_needs_a_running_vm()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0);

        AssertConflict(ErrorCodes.Conflict, () => vm.Suspend(T0));
    }

    [Fact]
    public void Delete_settles_every_hour_of_a_running_vm_including_the_current_one_and_then_every_action_is_a_vm_deleted_conflict()
    {
        var vm = NewVm();

        var settlement = vm.Delete(Prices, T0.AddHours(2));

        Assert.Equal([Hour10, Hour10.AddHours(1), Hour10.AddHours(2)], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(VmStatus.Deleted, vm.Status);
        Assert.Equal(T0.AddHours(2), vm.DeletedAt);
        Assert.Equal(Hour10.AddHours(3), vm.BilledThrough);
        Assert.Null(vm.PeakSize);
        AssertConflict(ErrorCodes.VmDeleted, () => vm.Stop(Prices, T0.AddHours(3)));
        AssertConflict(ErrorCodes.VmDeleted, () => vm.Start(Prices, T0.AddHours(3)));
        AssertConflict(ErrorCodes.VmDeleted, () => vm.Resize("Medium", Prices, T0.AddHours(3)));
        AssertConflict(ErrorCodes.VmDeleted, () => vm.Delete(Prices, T0.AddHours(3)));
        AssertConflict(ErrorCodes.VmDeleted, () => vm.Suspend(T0.AddHours(3)));
        Assert.True(vm.SettleEndedHours(Prices, T0.AddHours(9)).IsEmpty);
    }

    [Fact]
    public void Deleting_a_vm_stopped_in_an_earlier_hour_bills_only_that_hour_and_records_the_rest_as_idle()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0);

        var settlement = vm.Delete(Prices, T0.AddHours(4));

        Assert.Equal([Hour10], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(Hour10.AddHours(1), settlement.Idle!.FromHour);
        Assert.Equal(Hour10.AddHours(4), settlement.Idle.ToHour);
        Assert.Equal(VmStatus.Deleted, vm.Status);
    }

    [Fact]
    public void Deleting_a_vm_whose_hours_are_all_settled_and_which_has_not_run_since_charges_nothing()
    {
        var vm = NewVm(Hour10);
        vm.Suspend(Hour10);
        vm.Stop(Prices, Hour10.AddHours(1));

        var settlement = vm.Delete(Prices, Hour10.AddHours(1).AddMinutes(30));

        Assert.True(settlement.IsEmpty);
        Assert.Null(settlement.Idle);
        Assert.Equal(VmStatus.Deleted, vm.Status);
    }

    [Fact]
    public void Resizing_a_running_vm_settles_the_ended_hours_and_raises_the_current_hours_peak()
    {
        var vm = NewVm();

        var settlement = vm.Resize("Medium", Prices, T0.AddHours(1));

        Assert.Equal([(Hour10, "Small")], settlement.Hours.Select(h => (h.HourStart, h.Size)));
        Assert.Equal("Medium", vm.Size);
        Assert.Equal("Medium", vm.PeakSize);
        Assert.Equal(VmStatus.Running, vm.Status);
        Assert.Equal(Hour10.AddHours(1), vm.BilledThrough);
    }

    [Fact]
    public void Resizing_down_keeps_the_larger_size_as_the_current_hours_peak()
    {
        var vm = NewVm();
        vm.Resize("Large", Prices, T0.AddMinutes(1));

        vm.Resize("Medium", Prices, T0.AddMinutes(2));

        Assert.Equal("Medium", vm.Size);
        Assert.Equal("Large", vm.PeakSize);
    }

    [Fact]
    public void Resizing_a_stopped_vm_charges_nothing_and_does_not_raise_the_peak_until_it_starts()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0.AddMinutes(1));

        var settlement = vm.Resize("Large", Prices, T0.AddMinutes(2));

        Assert.True(settlement.IsEmpty);
        Assert.Equal("Large", vm.Size);
        Assert.Equal("Small", vm.PeakSize);
        Assert.Equal(VmStatus.Stopped, vm.Status);
        vm.Start(Prices, T0.AddMinutes(3));
        Assert.Equal("Large", vm.PeakSize);
    }

    [Fact]
    public void Resizing_to_the_size_it_has_changes_nothing()
    {
        var vm = NewVm();
        vm.Stop(Prices, T0.AddHours(3));
        var updated = vm.UpdatedAt;

        var settlement = vm.Resize("small", Prices, T0.AddHours(4));

        Assert.True(settlement.IsEmpty);
        Assert.Equal("Small", vm.Size);
        Assert.Equal(3L, vm.SizeHoursBilled);
        Assert.Equal(Hour10.AddHours(3), vm.BilledThrough);
        Assert.Equal(updated, vm.UpdatedAt);
    }
}
