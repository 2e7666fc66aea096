using System.Diagnostics;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// The API configured with <c>CardGateway:BaseUrl</c> talks to a card processor over real HTTP (the
/// <c>HttpCardGateway</c> adapter with its retry and timeout policy) instead of the built-in simulator.
/// </summary>
public sealed class CardGatewayHttpTests(TestDatabase database) : ApiTestBase(database)
{
    private const int MaxRetries = 2;
    private const int RetryBaseDelayMilliseconds = 50;

    private FakeCardGatewayServer _gateway = null!;

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["CardGateway:BaseUrl"] = _gateway.BaseUrl,
            ["CardGateway:TimeoutSeconds"] = "1",
            ["CardGateway:MaxRetries"] = MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CardGateway:RetryBaseDelayMilliseconds"] = RetryBaseDelayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
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

    private static string TopUpUrl(Guid walletId) => $"/api/v1/wallets/{walletId}/top-ups";

    private async Task<decimal> BalanceAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;

    [Fact]
    public async Task A_top_up_charges_the_card_over_http_once_with_an_idempotency_key_and_credits_the_wallet()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId),
            new { amount = 120.25m, cardToken = "tok_visa" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal(120.25m, (decimal)payment["walletBalance"]!);

        var call = Assert.Single(_gateway.Calls);
        // The processor's key is derived from the payment's own id.
        Assert.Equal($"charge:{(string)payment["id"]!}", call.IdempotencyKey);
        Assert.Equal("tok_visa", call.CardToken);
        Assert.Equal(120.25m, call.Amount);
        Assert.Equal("ZAR", call.Currency);
        Assert.Equal(1, _gateway.DistinctChargesApproved);

        // The processor's reference (not a simulator one) is what the payment row keeps.
        Assert.Equal(1L, await Database.CountAsync("payments",
            "method = 'Card' AND status = 'Paid' AND gateway_reference LIKE 'fake\\_%' AND ledger_entry_id IS NOT NULL"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Deposit' AND amount = 120.25"));
        Assert.Equal(120.25m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_card_declined_over_http_is_a_422_card_declined_with_a_failed_payment_and_no_wallet_change()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId),
            new { amount = 75m, cardToken = "tok_declined" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "card_declined");
        var paymentId = Guid.Parse((string)problem["paymentId"]!);
        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND method = 'Card' AND status = 'Failed' AND failure_code = 'card_declined' AND ledger_entry_id IS NULL", paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
        var call = Assert.Single(_gateway.Calls);
        Assert.Equal("tok_declined", call.CardToken);
        Assert.Equal(0, _gateway.DistinctChargesApproved);
    }

    [Fact]
    public async Task Two_503s_then_success_are_retried_with_backoff_under_one_idempotency_key_and_charge_once()
    {
        var customer = await CreateCustomerAsync();
        _gateway.FailNextCalls(2, 503);

        var response = await Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId),
            new { amount = 40m, cardToken = "tok_visa" }, "retry-me"));

        await AssertStatus(response, HttpStatusCode.Created);
        var paymentId = (string)(await ReadJson(response))["id"]!;
        var calls = _gateway.Calls;
        Assert.Equal(1 + MaxRetries, calls.Count);
        Assert.Equal([503, 503, 200], calls.Select(c => c.PlannedStatusCode));
        var key = Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal($"charge:{paymentId}", key);
        Assert.Equal(1, _gateway.DistinctChargesApproved);

        // Polly's exponential backoff with decorrelated jitter: each single delay may be anywhere between ~0
        // and ~1.4x / ~2.6x the base, so neither gap alone nor their order is guaranteed; their sum is
        // (2^t * tanh(sqrt(4t)) / 1.4) x base for some t in [1, 2), i.e. at least ~1.38x base (69 ms here).
        var firstGap = calls[1].ReceivedAt - calls[0].ReceivedAt;
        var secondGap = calls[2].ReceivedAt - calls[1].ReceivedAt;
        Assert.True(firstGap > TimeSpan.Zero && secondGap > TimeSpan.Zero, $"Gaps {firstGap}, {secondGap}.");
        Assert.True(firstGap + secondGap >= TimeSpan.FromMilliseconds(RetryBaseDelayMilliseconds * 1.3),
            $"The two retries waited only {firstGap.TotalMilliseconds:F0} ms and {secondGap.TotalMilliseconds:F0} ms.");
        Assert.True(firstGap + secondGap < TimeSpan.FromSeconds(2), $"Gaps {firstGap}, {secondGap}.");

        Assert.Equal(40m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(1L, await Database.CountAsync("payments", "status = 'Paid'"));
    }

    [Fact]
    public async Task A_gateway_that_keeps_answering_503_is_a_202_with_the_payment_left_pending_and_nothing_credited()
    {
        var customer = await CreateCustomerAsync();
        _gateway.FailNextCalls(10, 503);

        var response = await Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId),
            new { amount = 40m, cardToken = "tok_visa" }, "down"));

        // The card may or may not have been charged: the answer says so (202 and the Pending payment), and the
        // reconciliation job will settle it.
        await AssertStatus(response, HttpStatusCode.Accepted);
        var payment = await ReadJson(response);
        Assert.Equal("Pending", (string?)payment["status"]);
        Assert.Equal($"/api/v1/payments/{(string)payment["id"]!}", response.Headers.Location?.OriginalString);
        Assert.Equal(1 + MaxRetries, _gateway.CallCount);
        Assert.Single(_gateway.Calls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal(0, _gateway.DistinctChargesApproved);

        Assert.Equal(1L, await Database.CountAsync("payments", "status = 'Pending' AND method = 'Card' AND ledger_entry_id IS NULL"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_gateway_slower_than_the_timeout_is_a_202_pending_within_a_bounded_time()
    {
        var customer = await CreateCustomerAsync();
        _gateway.DelayNextCalls(10, TimeSpan.FromSeconds(3));

        var stopwatch = Stopwatch.StartNew();
        var response = await Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId),
            new { amount = 40m, cardToken = "tok_visa" }, "slow"));
        stopwatch.Stop();

        // Three attempts of at most 1 s each plus the short backoffs; the gateway's retries are the only ones.
        Assert.True(_gateway.CallCount == 1 + MaxRetries,
            $"Expected {1 + MaxRetries} gateway attempts but saw {_gateway.CallCount} in {stopwatch.Elapsed} " +
            $"(answer {(int)response.StatusCode}): was the whole command re-run as if the gateway timeout were a transient database failure?");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The API took {stopwatch.Elapsed} to give up.");
        await AssertStatus(response, HttpStatusCode.Accepted);
        Assert.Equal("Pending", (string?)(await ReadJson(response))["status"]);
        Assert.Equal(0, _gateway.DistinctChargesApproved);
        Assert.Equal(1L, await Database.CountAsync("payments", "status = 'Pending'"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_client_retry_with_the_same_idempotency_key_is_replayed_without_calling_the_gateway_again()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var body = new { amount = 60m, cardToken = "tok_visa" };

        var first = await client.SendAsync(Post(TopUpUrl(customer.WalletId), body, "top-up-60"));
        var second = await client.SendAsync(Post(TopUpUrl(customer.WalletId), body, "top-up-60"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, _gateway.CallCount);
        Assert.Equal(1, _gateway.DistinctChargesApproved);
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_direct_card_payment_is_charged_over_http()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 99.99m, currency = "ZAR", cardToken = "tok_visa", description = "Consulting" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal("Card", (string?)payment["method"]);
        Assert.Null(payment["walletId"]);

        var call = Assert.Single(_gateway.Calls);
        Assert.Equal($"charge:{(string)payment["id"]!}", call.IdempotencyKey);
        Assert.Equal(99.99m, call.Amount);
        Assert.Equal("ZAR", call.Currency);
        Assert.Equal("Consulting", call.Description);
        Assert.Equal(1, _gateway.DistinctChargesApproved);
        Assert.Equal(1L, await Database.CountAsync("payments",
            "method = 'Card' AND status = 'Paid' AND wallet_id IS NULL AND gateway_reference LIKE 'fake\\_%'"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
    }
}
