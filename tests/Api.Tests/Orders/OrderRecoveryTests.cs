using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Orders.Commands.RecordFulfilmentOutcome;
using CleanWallet.Application.Orders.Fulfilment;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>
/// Orders left Fulfilling: by a crash between the hold and fulfilment (reproduced exactly: the endpoint's first command
/// is sent alone through the API's mediator, so the order and its hold commit and fulfilment is never asked), by an
/// unclear answer, or by a capture transaction that failed after the service fulfilled. The recovery command is sent the
/// way the order-recovery job sends it.
/// </summary>
public sealed class OrderRecoveryTests(TestDatabase database) : OrderTestBase(database)
{
    private readonly CommitFaults _faults = new()
    {
        AfterCommit = false,
        Fault = () => new InvalidOperationException("Injected: the node died before the capture committed."),
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(_faults);

    [Fact]
    public async Task An_order_interrupted_between_hold_and_fulfilment_is_completed_by_recovery_once_its_lease_passed()
    {
        var customer = await FundedCustomerAsync(100m);
        var interrupted = await PlacedButNotFulfilledOrderAsync(customer, 30m);
        Assert.Equal(70m, await AvailableAsync(customer.WalletId));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));

        // The placing request's lease still runs: nobody else may ask the service yet.
        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds - 1));
        var early = await RecoverAsync();
        Assert.Equal(0, early.Found);
        Assert.Equal(0, Fulfilment.CallCount);

        Clock.Advance(TimeSpan.FromSeconds(1));
        var report = await RecoverAsync();

        Assert.Equal(1, report.Found);
        Assert.Equal(1, report.Completed);
        Assert.Equal(interrupted.ToString(), Assert.Single(Fulfilment.Calls).IdempotencyKey);
        var order = await GetOrderAsync(interrupted);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(Fulfilment.FulfilmentIdFor(interrupted.ToString()), (string?)order["fulfilmentId"]);
        Assert.Equal("Captured", await HoldStatusAsync(interrupted));
        Assert.Equal(70m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment' AND amount = 30"));

        // A second run finds nothing: the order is settled.
        Assert.Equal(0, (await RecoverAsync()).Found);
        Assert.Equal(1, Fulfilment.CallCount);
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task An_order_whose_capture_failed_after_fulfilment_is_captured_exactly_once_by_recovery()
    {
        var customer = await FundedCustomerAsync(100m);
        // The service fulfils; the capture transaction that follows fails before it commits.
        Fulfilment.OnCall = _ => _faults.Remaining = 1;

        var response = await PlaceOrderAsync(customer, 40m, idempotencyKey: "capture-lost");

        await AssertStatus(response, HttpStatusCode.Created);
        var placed = await ReadJson(response);
        var orderId = IdOf(placed);
        Assert.Equal(1, _faults.Fired);
        Assert.Equal("Fulfilling", (string?)placed["status"]);
        Assert.Equal(1, Fulfilment.DistinctFulfilments);
        Assert.Equal("Active", await HoldStatusAsync(orderId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Fulfilment.OnCall = null;

        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds));
        var report = await RecoverAsync();

        Assert.Equal(1, report.Completed);
        Assert.Equal(2, Fulfilment.CallCount);
        Assert.Equal(1, Fulfilment.DistinctFulfilments);
        var order = await GetOrderAsync(orderId);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(Fulfilment.FulfilmentIdFor(orderId.ToString()), (string?)order["fulfilmentId"]);
        // Exactly one payment, never a payment and a void.
        Assert.Equal("Captured", await HoldStatusAsync(orderId));
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment' AND amount = 40"));
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));
        Assert.Equal(60m, await AvailableAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        // The client's replay now sees the order as it is.
        var replay = await PlaceOrderAsync(customer, 40m, idempotencyKey: "capture-lost");
        Assert.Equal("Completed", (string?)(await ReadJson(replay))["status"]);
        Assert.Equal(2, Fulfilment.CallCount);
        Assert.Equal(0, (await RecoverAsync()).Found);
    }

    [Fact]
    public async Task An_unclear_order_is_asked_again_after_recover_after_and_completed()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.FailNextCalls(MaxAttempts, 503);
        var placed = await ReadJson(await PlaceOrderAsync(customer, 25m));
        var orderId = IdOf(placed);
        Assert.Equal("Fulfilling", (string?)placed["status"]);

        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds - 1));
        Assert.Equal(0, (await RecoverAsync()).Found);

        Clock.Advance(TimeSpan.FromSeconds(1));
        var report = await RecoverAsync();

        Assert.Equal(1, report.Completed);
        var order = await GetOrderAsync(orderId);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(MaxAttempts + 1, (int)order["fulfilmentAttempts"]!);
        Assert.Equal("Captured", await HoldStatusAsync(orderId));
        Assert.Equal(75m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task An_unclear_order_refused_on_recovery_is_Failed_with_its_hold_voided_and_no_ledger_entry()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.FailNextCalls(MaxAttempts, 503);
        var orderId = IdOf(await ReadJson(await PlaceOrderAsync(customer, 25m)));
        Fulfilment.RejectNextCalls(1, "Region closed");
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds));

        var report = await RecoverAsync();

        Assert.Equal(1, report.Failed);
        var order = await GetOrderAsync(orderId);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Equal("Region closed", (string?)order["failureReason"]);
        Assert.Equal("Voided", await HoldStatusAsync(orderId));
        Assert.Equal(100m, await AvailableAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type IN ('Payment', 'Refund')"));
    }

    [Fact]
    public async Task An_order_still_unclear_past_its_deadline_is_voided_and_Failed_after_one_last_ask()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = await PlacedButNotFulfilledOrderAsync(customer, 35m);
        Fulfilment.FailNextCalls(100, 503);

        // Before the deadline an unclear answer keeps it Fulfilling.
        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds));
        var before = await RecoverAsync();
        Assert.Equal(1, before.StillFulfilling);
        Assert.Equal("Active", await HoldStatusAsync(orderId));

        Clock.Advance(TimeSpan.FromMinutes(FulfilmentDeadlineMinutes));
        var calls = Fulfilment.CallCount;
        var report = await RecoverAsync();

        Assert.Equal(1, report.Failed);
        Assert.Equal(calls + MaxAttempts, Fulfilment.CallCount);
        var order = await GetOrderAsync(orderId);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Contains("deadline", (string?)order["failureReason"]);
        Assert.Equal("Voided", await HoldStatusAsync(orderId));
        Assert.Equal(100m, await AvailableAsync(customer.WalletId));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(0, (await RecoverAsync()).Found);
    }

    [Fact]
    public async Task A_service_that_fulfils_on_the_last_ask_after_the_deadline_still_completes_the_order()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = await PlacedButNotFulfilledOrderAsync(customer, 35m);
        Clock.Advance(TimeSpan.FromMinutes(FulfilmentDeadlineMinutes + 1));

        var report = await RecoverAsync();

        Assert.Equal(1, report.Completed);
        Assert.Equal("Captured", await HoldStatusAsync(orderId));
        Assert.Equal(65m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Two_recovery_runs_in_parallel_never_call_fulfilment_twice_for_one_order_at_the_same_time()
    {
        var customer = await FundedCustomerAsync(100m);
        var orders = new List<Guid>();
        for (var i = 0; i < 3; i++)
            orders.Add(await PlacedButNotFulfilledOrderAsync(customer, 10m + i));
        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds));
        Fulfilment.DelayNextCalls(10, TimeSpan.FromMilliseconds(300));

        var reports = await Task.WhenAll(RecoverAsync(), RecoverAsync());

        Assert.Equal(1, Fulfilment.MaxConcurrentCallsPerKey);
        // Both runs list the same 3 due orders; each report counts what its own run did, so an order the other run completed
        // first is Unchanged in this one: 3 completed in all, each by one run, and every order found is accounted for.
        Assert.Equal(3, reports.Sum(r => r.Completed));
        Assert.All(reports, r => Assert.Equal(r.Found, r.Completed + r.Failed + r.StillFulfilling + r.Unchanged + r.Errors));
        // Every order was asked, never by both runs at once. (A call slower than the 1 s client timeout on a loaded
        // machine is an unclear answer that gives the lease up, and the other run may then ask again, one after the other:
        // so the count of calls is not fixed, only that they never overlap and that each order is captured once.)
        Assert.Equal(orders.Select(o => o.ToString()).Order(), Fulfilment.Calls.Select(c => c.IdempotencyKey!).Distinct().Order());
        Assert.Equal(3L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(100m - 33m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task An_order_another_run_settled_before_this_run_reached_it_is_reported_unchanged_not_completed()
    {
        var customer = await FundedCustomerAsync(100m);
        var first = await PlacedButNotFulfilledOrderAsync(customer, 10m);
        var second = await PlacedButNotFulfilledOrderAsync(customer, 20m);
        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds));
        Fulfilment.DelayNextCalls(1, TimeSpan.FromMilliseconds(900)); // under the 1 s client timeout: the window run 2 has

        // Run 1 lists both orders and asks for the first (oldest lease), slowly; run 2 starts while that call is out, lists
        // only the second (the first is claimed) and completes it. Run 1 then reaches the second and finds it Completed.
        var slow = RecoverAsync();
        await FulfilmentCalledAsync();
        var fast = await RecoverAsync();
        var slowReport = await slow;

        Assert.Equal((1, 1, 0), (fast.Found, fast.Completed, fast.Unchanged));
        Assert.Equal(2, slowReport.Found);
        Assert.Equal(1, slowReport.Unchanged);
        // The first order: completed by run 1, or, on a machine slow enough for the delayed call to pass the client's
        // timeout, an unclear answer left for the next run. Never counted twice.
        Assert.Equal(1, slowReport.Completed + slowReport.StillFulfilling);
        Assert.Equal("Completed", (string?)(await GetOrderAsync(second))["status"]);
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment' AND amount = 20"));
        Assert.Equal(slowReport.Completed == 1 ? "Completed" : "Fulfilling", (string?)(await GetOrderAsync(first))["status"]);
        Assert.Equal(slowReport.Completed, await Database.CountAsync("ledger_entries", "type = 'Payment' AND amount = 10"));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Recovery_never_takes_an_order_whose_request_is_still_asking_the_service()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.DelayNextCalls(1, TimeSpan.FromMilliseconds(800));

        var placing = PlaceOrderAsync(customer, 15m);
        await FulfilmentCalledAsync();
        var report = await RecoverAsync();
        var response = await placing;

        Assert.Equal(0, report.Found);
        Assert.Equal("Completed", (string?)(await ReadJson(response))["status"]);
        Assert.Equal(1, Fulfilment.CallCount);
    }

    [Fact]
    public async Task An_unclear_answer_recorded_under_a_claim_another_node_took_over_leaves_that_claim_alone()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = await PlacedButNotFulfilledOrderAsync(customer, 30m);
        const string claim = "SELECT fulfilment_lease_token::text || ' ' || fulfilment_lease_until::text || ' ' || fulfilment_attempts " +
                             "FROM orders WHERE id = $1";
        var holder = await Database.ScalarAsync<Guid>("SELECT fulfilment_lease_token FROM orders WHERE id = $1", orderId);
        var before = await Database.ScalarAsync<string>(claim, orderId);
        var unclear = new FulfilmentResult(FulfilmentOutcome.Unclear, FulfilmentId: null, Reason: "timed out", Attempts: MaxAttempts);

        // A request whose claim has since passed to another node (a recovery run) hears no definite answer: it is not its
        // order to reschedule, so the holder's claim (token, lease, attempts) stays exactly as it was.
        var stale = await SendCommandAsync(new RecordFulfilmentOutcomeCommand(orderId, LeaseToken: Guid.NewGuid(), unclear));

        Assert.False(stale.Settled);
        Assert.Equal("Fulfilling", stale.Order.Status);
        Assert.Equal(before, await Database.ScalarAsync<string>(claim, orderId));

        // The holder's own unclear answer does reschedule it: asked again after RecoverAfter, the claim given up.
        var own = await SendCommandAsync(new RecordFulfilmentOutcomeCommand(orderId, holder, unclear));

        Assert.False(own.Settled);
        Assert.Equal("Fulfilling", own.Order.Status);
        Assert.True(await Database.ScalarAsync<bool>(
            "SELECT fulfilment_lease_token IS NULL AND fulfilment_lease_until = $2 AND fulfilment_attempts = $3 FROM orders WHERE id = $1",
            orderId, Clock.GetUtcNow().AddSeconds(RecoverAfterSeconds), MaxAttempts));
        Assert.Equal("Active", await HoldStatusAsync(orderId));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0, Fulfilment.CallCount);
    }

    private async Task FulfilmentCalledAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Fulfilment.CallCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The fulfilment service was never called.");
            await Task.Delay(10);
        }
    }
}
