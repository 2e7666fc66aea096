using CleanWallet.Domain.Common;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Tests.Orders;

public class OrderTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(30);
    private static readonly DateTimeOffset Deadline = Now.AddHours(1);
    private static readonly Guid Lease = Guid.NewGuid();

    private static Order Place(decimal amount, string currency = "ZAR", string description = "Two VM credit packs",
        IReadOnlyList<OrderItem>? items = null) =>
        Order.Place(Guid.NewGuid(), Guid.NewGuid(), amount, currency, description, items, Now, Deadline, Lease, Now.AddMinutes(1));

    private static Order Placed(decimal amount = 40m, IReadOnlyList<OrderItem>? items = null) => Place(amount, items: items);

    private static Order Completed(decimal amount = 40m)
    {
        var order = Placed(amount);
        order.Complete("ful_1", Guid.NewGuid(), 1, Now.AddSeconds(1));
        return order;
    }

    private static Order Failed()
    {
        var order = Placed();
        order.FailFulfilment("no", 1, Now);
        return order;
    }

    private static void AssertConflict(Action action, string code = ErrorCodes.Conflict)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(code, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
    }

    // ---- placing ----

    [Fact]
    public void A_placed_order_is_Fulfilling_unpaid_leased_to_its_request_with_its_deadline()
    {
        var order = Placed(40.5m, [new OrderItem("VM-S", 2, 20.25m)]);

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        Assert.Equal(40.50m, order.Amount);
        Assert.Equal(0m, order.ReturnedAmount);
        Assert.Null(order.PaymentId);
        Assert.Null(order.PaidAt);
        Assert.Equal(Now, order.CreatedAt);
        Assert.Equal(Deadline, order.FulfilmentDeadline);
        Assert.Equal(Lease, order.FulfilmentLeaseToken);
        Assert.Equal(Now.AddMinutes(1), order.FulfilmentLeaseUntil);
        Assert.Equal(Money.Of(40.50m, "ZAR"), order.Money);
        var item = Assert.Single(order.Items);
        Assert.Equal(new OrderItem("VM-S", 2, 20.25m), item);
        Assert.Empty(Placed(items: null).Items);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1.001)]
    public void An_order_needs_a_valid_amount(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() => Placed(amount));
        Assert.Equal(ErrorCodes.InvalidAmount, ex.Code);
    }

    [Fact]
    public void An_order_needs_a_description_and_valid_items()
    {
        Assert.Throws<DomainException>(() => Place(1m, description: " "));
        Assert.Throws<DomainException>(() => Place(1m, description: new string('x', 501)));
        Assert.Throws<DomainException>(() => Place(1m, currency: "zar"));
        Assert.Throws<DomainException>(() => Placed(1m, items: [new OrderItem("", 1, 1m)]));
        Assert.Throws<DomainException>(() => Placed(1m, items: [new OrderItem("A", 0, 1m)]));
        Assert.Throws<DomainException>(() => Placed(1m, items: [new OrderItem("A", 1, -0.01m)]));
        Assert.Throws<DomainException>(() => Placed(1m, items: [new OrderItem("A", 1, 0.001m)]));
        Assert.Throws<DomainException>(() => Placed(items: Enumerable.Range(0, Order.MaxItems + 1).Select(i => new OrderItem($"S{i}", 1, 1m)).ToArray()));
    }

    [Theory]
    [InlineData(40.49)]
    [InlineData(40.51)]
    [InlineData(1)]
    public void Items_whose_price_times_quantity_do_not_add_up_to_the_amount_are_amount_mismatch(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() => Placed(amount, [new OrderItem("VM-S", 2, 20.00m), new OrderItem("DISK", 1, 0.50m)]));

        Assert.Equal(ErrorCodes.AmountMismatch, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(40.50m, ex.Details["itemsTotal"]);
    }

    [Fact]
    public void Items_that_add_up_to_the_amount_including_free_ones_are_accepted()
    {
        var order = Placed(40.50m, [new OrderItem("VM-S", 2, 20.00m), new OrderItem("DISK", 1, 0.50m), new OrderItem("GIFT", 3, 0m)]);

        Assert.Equal(3, order.Items.Count);
    }

    [Fact]
    public void An_order_without_items_charges_its_amount()
    {
        Assert.Equal(12.34m, Placed(12.34m).Amount);
    }

    // ---- fulfilment ----

    [Fact]
    public void A_fulfilled_order_is_Completed_paid_by_its_capture_with_its_fulfilment_id_and_its_lease_ended()
    {
        var order = Placed();
        var payment = Guid.NewGuid();

        order.Complete("ful_42", payment, 3, Now.AddSeconds(5));

        Assert.Equal(OrderStatus.Completed, order.Status);
        Assert.Equal("ful_42", order.FulfilmentId);
        Assert.Equal(payment, order.PaymentId);
        Assert.Equal(Now.AddSeconds(5), order.PaidAt);
        Assert.Equal(3, order.FulfilmentAttempts);
        Assert.Null(order.FailureReason);
        Assert.Null(order.FulfilmentLeaseUntil);
        Assert.Null(order.FulfilmentLeaseToken);
        Assert.Equal(Now.AddSeconds(5), order.UpdatedAt);
    }

    [Fact]
    public void A_failed_fulfilment_fails_the_order_with_its_reason_and_no_payment()
    {
        var order = Placed();

        order.FailFulfilment("Out of stock", 1, Now);

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Equal("Out of stock", order.FailureReason);
        Assert.Null(order.FulfilmentId);
        Assert.Null(order.PaymentId);
        Assert.Null(order.PaidAt);
        Assert.Null(order.FulfilmentLeaseUntil);
        Assert.Equal(1, order.FulfilmentAttempts);
    }

    [Fact]
    public void An_unclear_outcome_keeps_the_order_Fulfilling_counts_the_attempts_and_frees_it_for_recovery_at_the_retry_time()
    {
        var order = Placed();

        order.RecordUnclearOutcome(3, Now.AddMinutes(5), Now.AddSeconds(4));

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        Assert.Equal(3, order.FulfilmentAttempts);
        Assert.Null(order.FulfilmentLeaseToken);
        Assert.Equal(Now.AddMinutes(5), order.FulfilmentLeaseUntil);
        Assert.Null(order.PaymentId);
    }

    [Fact]
    public void The_deadline_passes_at_its_moment()
    {
        Assert.False(Placed().IsPastDeadline(Deadline.AddTicks(-1)));
        Assert.True(Placed().IsPastDeadline(Deadline));
    }

    [Fact]
    public void Only_a_Fulfilling_order_takes_a_fulfilment_outcome_and_only_once()
    {
        var completed = Completed();
        AssertConflict(() => completed.Complete("ful_again", Guid.NewGuid(), 1, Now));
        AssertConflict(() => completed.FailFulfilment("late", 1, Now));
        AssertConflict(() => completed.RecordUnclearOutcome(1, Now, Now));
        var failed = Failed();
        AssertConflict(() => failed.Complete("ful", Guid.NewGuid(), 1, Now));
        AssertConflict(() => failed.FailFulfilment("again", 1, Now));
        var cancelled = Completed();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.Complete("ful", Guid.NewGuid(), 1, Now));
    }

    [Fact]
    public void An_outcome_needs_a_fulfilment_id_and_payment_or_a_reason()
    {
        Assert.Throws<ArgumentException>(() => Placed().Complete(" ", Guid.NewGuid(), 1, Now));
        Assert.Throws<ArgumentException>(() => Placed().Complete(new string('f', Order.MaxFulfilmentIdLength + 1), Guid.NewGuid(), 1, Now));
        Assert.Throws<ArgumentException>(() => Placed().Complete("ful", Guid.Empty, 1, Now));
        Assert.Throws<ArgumentException>(() => Placed().FailFulfilment("", 1, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => Placed().Complete("ful", Guid.NewGuid(), -1, Now));
    }

    // ---- cancellation ----

    [Fact]
    public void A_Fulfilling_order_cannot_be_cancelled_it_is_order_in_fulfilment()
    {
        var order = Placed();

        AssertConflict(() => order.Cancel(Now, Window), ErrorCodes.OrderInFulfilment);
        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        Assert.False(order.CanCancel(Now, Window));
    }

    [Fact]
    public void A_Completed_order_can_be_cancelled_up_to_the_end_of_the_window_after_payment_and_not_after()
    {
        var paidAt = Now.AddSeconds(1);
        Assert.True(Completed().CanCancel(paidAt + Window, Window));
        Assert.False(Completed().CanCancel(paidAt + Window + TimeSpan.FromTicks(10), Window));

        var order = Completed();
        order.Cancel(paidAt + Window, Window);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal("ful_1", order.FulfilmentId);

        var late = Completed();
        var ex = Assert.Throws<DomainException>(() => late.Cancel(paidAt + Window + TimeSpan.FromSeconds(1), Window));
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Contains("window", ex.Message);
        Assert.Equal(OrderStatus.Completed, late.Status);
    }

    [Fact]
    public void A_partly_returned_failed_or_cancelled_order_cannot_be_cancelled()
    {
        var partlyReturned = Completed();
        partlyReturned.RegisterReturn(1m, Now);
        AssertConflict(() => partlyReturned.Cancel(Now, Window));

        AssertConflict(() => Failed().Cancel(Now, Window));

        var cancelled = Completed();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.Cancel(Now, Window));
    }

    // ---- returns ----

    [Fact]
    public void Returns_add_up_until_the_order_is_Returned()
    {
        var order = Completed(40m);

        order.RegisterReturn(15.5m, Now);
        Assert.Equal(OrderStatus.Completed, order.Status);
        Assert.Equal(15.5m, order.ReturnedAmount);
        Assert.Equal(24.5m, order.ReturnableAmount);

        order.RegisterReturn(24.5m, Now);
        Assert.Equal(OrderStatus.Returned, order.Status);
        Assert.Equal(40m, order.ReturnedAmount);
        Assert.Equal(0m, order.ReturnableAmount);
        AssertConflict(() => order.RegisterReturn(0.01m, Now));
    }

    [Fact]
    public void A_return_beyond_what_is_left_is_refund_exceeds_payment_and_changes_nothing()
    {
        var order = Completed(40m);
        order.RegisterReturn(30m, Now);

        var ex = Assert.Throws<DomainException>(() => order.RegisterReturn(10.01m, Now));

        Assert.Equal(ErrorCodes.RefundExceedsPayment, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(10m, ex.Details["returnable"]);
        Assert.Equal(30m, order.ReturnedAmount);
        Assert.Equal(OrderStatus.Completed, order.Status);
    }

    [Fact]
    public void Only_a_Completed_order_can_be_returned()
    {
        AssertConflict(() => Placed().EnsureReturnable());
        AssertConflict(() => Placed().RegisterReturn(1m, Now));
        AssertConflict(() => Failed().RegisterReturn(1m, Now));
        var cancelled = Completed();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.RegisterReturn(1m, Now));
        Assert.Throws<DomainException>(() => Completed().RegisterReturn(0m, Now));
    }
}
