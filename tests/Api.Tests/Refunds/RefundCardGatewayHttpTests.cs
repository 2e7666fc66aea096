using System.Globalization;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Refunds;

/// <summary>Direct card refunds through the HTTP adapter (its retry and timeout pipeline) against a fake processor.</summary>
public sealed class RefundCardGatewayHttpTests(TestDatabase database) : RefundTestBase(database)
{
    private const int MaxRetries = 2;

    private FakeCardGatewayServer _gateway = null!;

    private readonly Payments.CommitFault _commitFault = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services =>
        {
            foreach (var interceptor in _commitFault.Interceptors)
                services.AddSingleton(interceptor);
        }, new Dictionary<string, string?>
        {
            ["CardGateway:BaseUrl"] = _gateway.BaseUrl,
            ["CardGateway:TimeoutSeconds"] = "1",
            ["CardGateway:MaxRetries"] = MaxRetries.ToString(CultureInfo.InvariantCulture),
            ["CardGateway:RetryBaseDelayMilliseconds"] = "50",
        });

    public override async Task InitializeAsync()
    {
        _gateway = await FakeCardGatewayServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_card_refund_is_sent_once_with_the_charge_reference_and_an_idempotency_key()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 70m);
        var chargeReference = await Database.ScalarAsync<string>("SELECT gateway_reference FROM payments WHERE id = $1", paymentId);

        var response = await RefundAsync(paymentId, new { amount = 25.5m, reason = "Damaged item" });

        await AssertStatus(response, HttpStatusCode.Created);
        var refund = await ReadJson(response);
        Assert.Equal("PartiallyRefunded", (string?)refund["paymentStatus"]);
        var call = Assert.Single(_gateway.RefundCalls);
        Assert.Equal(chargeReference, call.GatewayReference);
        Assert.Equal(25.5m, call.Amount);
        Assert.Equal("ZAR", call.Currency);
        // The processor's key is derived from the refund's own id.
        Assert.Equal($"refund:{(string)refund["id"]!}", call.IdempotencyKey);
        Assert.Equal(1, _gateway.DistinctRefundsApproved);
        Assert.Equal(1L, await Database.CountAsync("refunds", "payment_id = $1 AND gateway_reference LIKE 'fake\\_rf\\_%'", paymentId));
    }

    [Fact]
    public async Task A_processor_hiccup_is_retried_with_the_same_key_and_refunds_once()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 70m);
        _gateway.FailNextCalls(1, 503);

        var response = await RefundAsync(paymentId, new { reason = "Order cancelled" });

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(2, _gateway.RefundCalls.Count);
        Assert.Single(_gateway.RefundCalls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal(1, _gateway.DistinctRefundsApproved);
        Assert.Equal("Refunded", (string?)(await GetPaymentAsync(paymentId))["status"]);
    }

    [Fact]
    public async Task An_unreachable_processor_is_a_503_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 70m);
        var state = await WrittenStateAsync();
        _gateway.FailNextCalls(MaxRetries + 1, 503);

        await AssertProblem(await RefundAsync(paymentId, new { reason = "Order cancelled" }),
            HttpStatusCode.ServiceUnavailable, "payment_gateway_unavailable");

        Assert.Equal(MaxRetries + 1, _gateway.RefundCalls.Count);
        Assert.Equal(0, _gateway.DistinctRefundsApproved);
        Assert.Equal(state, await WrittenStateAsync());
        Assert.Equal("Paid", (string?)(await GetPaymentAsync(paymentId))["status"]);
    }

    [Fact]
    public async Task A_refund_whose_commit_failed_after_the_processor_refunded_is_retried_under_the_same_refund_key_and_refunded_once()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 70m);
        _commitFault.FailNextCommitOf(@"INSERT\s+INTO\s+""?refunds""?\s");

        var failed = await RefundAsync(paymentId, new { amount = 20m, reason = "Damaged" }, "refund-once");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(1, _commitFault.Failures);
        Assert.Equal(1, _gateway.DistinctRefundsApproved);
        Assert.Equal(0L, await Database.CountAsync("refunds"));

        var retried = await RefundAsync(paymentId, new { amount = 20m, reason = "Damaged" }, "refund-once");

        await AssertStatus(retried, HttpStatusCode.Created);
        var refundId = (string)(await ReadJson(retried))["id"]!;
        Assert.Equal([$"refund:{refundId}", $"refund:{refundId}"], _gateway.RefundCalls.Select(c => c.IdempotencyKey));
        Assert.Equal(1, _gateway.DistinctRefundsApproved);
        Assert.Equal(1L, await Database.CountAsync("refunds", "payment_id = $1 AND amount = 20.00", paymentId));
        Assert.Equal("PartiallyRefunded", (string?)(await GetPaymentAsync(paymentId))["status"]);
    }

    [Fact]
    public async Task A_refund_key_reused_after_it_expired_is_a_422_and_refunds_nothing_more()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 70m);
        await AssertStatus(await RefundAsync(paymentId, new { amount = 20m, reason = "Damaged" }, "refund-expired"), HttpStatusCode.Created);
        // Housekeeping forgets keys after the retention period.
        Assert.Equal(1L, await Database.ScalarAsync<long>("WITH gone AS (DELETE FROM idempotency_keys RETURNING 1) SELECT count(*) FROM gone"));

        var again = await RefundAsync(paymentId, new { amount = 20m, reason = "Damaged" }, "refund-expired");

        await AssertStatus(again, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency_key_reused", (string?)(await ReadJson(again))["code"]);
        Assert.Single(_gateway.RefundCalls);
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        var payment = await GetPaymentAsync(paymentId);
        Assert.Equal(("PartiallyRefunded", 20.00m), ((string?)payment["status"], (decimal)payment["refundedAmount"]!));
    }
}
