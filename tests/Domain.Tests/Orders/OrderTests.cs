using CleanWallet.Domain.Common;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Tests.Orders;

public class OrderTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    private static Order Placed(decimal amount = 40m, IReadOnlyList<OrderItem>? items = null) =>
        Order.Place(Guid.NewGuid(), Guid.NewGuid(), amount, "ZAR", "Two VM credit packs", items, Now);

    private static Order Paid(decimal amount = 40m)
    {
        var order = Placed(amount);
        order.MarkPaid(Guid.NewGuid(), Now);
        return order;
    }

    private static Order Completed(decimal amount = 40m)
    {
        var order = Paid(amount);
        order.Complete("ful_1", 1, Now.AddSeconds(1));
        return order;
    }

    private static void AssertConflict(Action action)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(DomainErrorCodes.InvalidState, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
    }

    // ---- placing and paying ----

    [Fact]
    public void A_placed_order_is_Pending_with_its_amount_normalised_and_nothing_returned()
    {
        var order = Placed(40.5m, [new OrderItem("VM-S", 2, 20.25m)]);

        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Equal(40.50m, order.Amount);
        Assert.Equal(0m, order.ReturnedAmount);
        Assert.Null(order.PaymentId);
        Assert.Null(order.PaidAt);
        Assert.Equal(Now, order.CreatedAt);
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
        Assert.Equal(DomainErrorCodes.InvalidAmount, ex.Code);
    }

    [Fact]
    public void An_order_needs_a_description_and_valid_items()
    {
        Assert.Throws<DomainException>(() => Order.Place(Guid.NewGuid(), Guid.NewGuid(), 1m, "ZAR", " ", null, Now));
        Assert.Throws<DomainException>(() => Order.Place(Guid.NewGuid(), Guid.NewGuid(), 1m, "ZAR", new string('x', 501), null, Now));
        Assert.Throws<DomainException>(() => Order.Place(Guid.NewGuid(), Guid.NewGuid(), 1m, "zar", "x", null, Now));
        Assert.Throws<DomainException>(() => Placed(items: [new OrderItem("", 1, 1m)]));
        Assert.Throws<DomainException>(() => Placed(items: [new OrderItem("A", 0, 1m)]));
        Assert.Throws<DomainException>(() => Placed(items: [new OrderItem("A", 1, -0.01m)]));
        Assert.Throws<DomainException>(() => Placed(items: [new OrderItem("A", 1, 0.001m)]));
        Assert.Throws<DomainException>(() => Placed(items: Enumerable.Range(0, Order.MaxItems + 1).Select(i => new OrderItem($"S{i}", 1, 1m)).ToArray()));
    }

    [Fact]
    public void Paying_names_the_payment_and_the_moment()
    {
        var order = Placed();
        var paymentId = Guid.NewGuid();

        order.MarkPaid(paymentId, Now.AddSeconds(2));

        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(paymentId, order.PaymentId);
        Assert.Equal(Now.AddSeconds(2), order.PaidAt);
        Assert.Equal(Now.AddSeconds(2), order.UpdatedAt);
        AssertConflict(() => order.MarkPaid(Guid.NewGuid(), Now));
    }

    // ---- fulfilment ----

    [Fact]
    public void A_fulfilled_order_is_Completed_with_its_fulfilment_id_and_attempts()
    {
        var order = Paid();

        order.Complete("ful_42", 3, Now.AddSeconds(5));

        Assert.Equal(OrderStatus.Completed, order.Status);
        Assert.Equal("ful_42", order.FulfilmentId);
        Assert.Equal(3, order.FulfilmentAttempts);
        Assert.Null(order.FailureReason);
        Assert.Equal(Now.AddSeconds(5), order.UpdatedAt);
    }

    [Fact]
    public void A_failed_fulfilment_fails_the_order_with_its_reason()
    {
        var order = Paid();

        order.FailFulfilment("Out of stock", 1, Now);

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Equal("Out of stock", order.FailureReason);
        Assert.Null(order.FulfilmentId);
        Assert.Equal(1, order.FulfilmentAttempts);
    }

    [Fact]
    public void Only_a_Paid_order_takes_a_fulfilment_outcome_and_only_once()
    {
        AssertConflict(() => Placed().Complete("ful", 1, Now));
        AssertConflict(() => Placed().FailFulfilment("no", 1, Now));
        var completed = Completed();
        AssertConflict(() => completed.Complete("ful_again", 1, Now));
        AssertConflict(() => completed.FailFulfilment("late", 1, Now));
        var failed = Paid();
        failed.FailFulfilment("no", 1, Now);
        AssertConflict(() => failed.Complete("ful", 1, Now));
        var cancelled = Paid();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.Complete("ful", 1, Now));
    }

    [Fact]
    public void An_outcome_needs_a_fulfilment_id_or_a_reason()
    {
        Assert.Throws<ArgumentException>(() => Paid().Complete(" ", 1, Now));
        Assert.Throws<ArgumentException>(() => Paid().Complete(new string('f', Order.MaxFulfilmentIdLength + 1), 1, Now));
        Assert.Throws<ArgumentException>(() => Paid().FailFulfilment("", 1, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => Paid().Complete("ful", -1, Now));
    }

    // ---- cancellation ----

    [Fact]
    public void A_Paid_order_can_be_cancelled_whenever()
    {
        var order = Paid();

        order.Cancel(Now.AddDays(3), Window);

        Assert.Equal(OrderStatus.Cancelled, order.Status);
    }

    [Fact]
    public void A_Completed_order_can_be_cancelled_up_to_the_end_of_the_window_after_payment_and_not_after()
    {
        Assert.True(Completed().CanCancel(Now + Window, Window));
        Assert.False(Completed().CanCancel(Now + Window + TimeSpan.FromTicks(10), Window));

        var order = Completed();
        order.Cancel(Now + Window, Window);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal("ful_1", order.FulfilmentId);

        var late = Completed();
        var ex = Assert.Throws<DomainException>(() => late.Cancel(Now + Window + TimeSpan.FromSeconds(1), Window));
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Contains("window", ex.Message);
        Assert.Equal(OrderStatus.Completed, late.Status);
    }

    [Fact]
    public void A_partly_returned_failed_cancelled_or_pending_order_cannot_be_cancelled()
    {
        var partlyReturned = Completed();
        partlyReturned.RegisterReturn(1m, Now);
        AssertConflict(() => partlyReturned.Cancel(Now, Window));

        var failed = Paid();
        failed.FailFulfilment("no", 1, Now);
        AssertConflict(() => failed.Cancel(Now, Window));

        var cancelled = Paid();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.Cancel(Now, Window));

        AssertConflict(() => Placed().Cancel(Now, Window));
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

        Assert.Equal(PaymentErrorCodes.RefundExceedsPayment, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(10m, ex.Details["returnable"]);
        Assert.Equal(30m, order.ReturnedAmount);
        Assert.Equal(OrderStatus.Completed, order.Status);
    }

    [Fact]
    public void Only_a_Completed_order_can_be_returned()
    {
        AssertConflict(() => Paid().EnsureReturnable());
        AssertConflict(() => Paid().RegisterReturn(1m, Now));
        var failed = Paid();
        failed.FailFulfilment("no", 1, Now);
        AssertConflict(() => failed.RegisterReturn(1m, Now));
        var cancelled = Completed();
        cancelled.Cancel(Now, Window);
        AssertConflict(() => cancelled.RegisterReturn(1m, Now));
        Assert.Throws<DomainException>(() => Completed().RegisterReturn(0m, Now));
    }
}
