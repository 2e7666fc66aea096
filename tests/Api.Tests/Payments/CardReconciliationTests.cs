using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Payments.Commands.ReconcileCardPayments;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// Card charges are two-phase and survive a crash at any instant. The API talks to a fake processor over loopback HTTP
/// through the real <c>HttpCardGateway</c>; faults are injected at each point (a gateway wrapper that "dies" before or
/// after the charge, a commit that fails before or after the server committed). The process "dies" by the request
/// stopping there; a fresh host, with the clock moved past <c>CardGateway:ReconcileAfterSeconds</c>, then runs the
/// reconciliation job's work. Each ends with the card charged once and the wallet credited once, or neither.
/// </summary>
public sealed class CardReconciliationTests(TestDatabase database) : ApiTestBase(database)
{
    private const int MaxRetries = 1;
    private const int ReconcileAfterSeconds = 300;
    private const string UpdatesPayment = @"UPDATE\s+""?payments""?\s";

    private readonly MutableClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CommitFault _commitFault = new();
    private FakeCardGatewayServer _gateway = null!;

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

    protected override ApiFactory CreateFactory() => StartHost(withFaults: true);

    private ApiFactory StartHost(bool withFaults, bool simulatedGateway = false, bool scheduling = false) =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            if (!withFaults)
                return;
            foreach (var interceptor in _commitFault.Interceptors)
                services.AddSingleton(interceptor);
            var real = services.Last(d => d.ServiceType == typeof(ICardGateway));
            services.AddSingleton<ICardGateway>(provider => new CrashingCardGateway(real.ImplementationFactory is { } create
                ? (ICardGateway)create(provider)
                : (ICardGateway)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
        }, new Dictionary<string, string?>
        {
            ["CardGateway:BaseUrl"] = simulatedGateway ? "" : _gateway.BaseUrl,
            ["CardGateway:TimeoutSeconds"] = "1",
            ["CardGateway:MaxRetries"] = MaxRetries.ToString(CultureInfo.InvariantCulture),
            ["CardGateway:RetryBaseDelayMilliseconds"] = "20",
            ["CardGateway:ReconcileAfterSeconds"] = ReconcileAfterSeconds.ToString(CultureInfo.InvariantCulture),
            ["Scheduling:Enabled"] = scheduling ? "true" : "false",
        });

    private CrashingCardGateway Crashing(ApiFactory? host = null) =>
        (CrashingCardGateway)(host ?? Factory).Services.GetRequiredService<ICardGateway>();

    private static string TopUpUrl(Guid walletId) => $"/api/v1/wallets/{walletId}/top-ups";

    private Task<HttpResponseMessage> TopUp(TestCustomer customer, decimal amount, string key, string cardToken = "tok_visa") =>
        Client(customer.ApiKey).SendAsync(Post(TopUpUrl(customer.WalletId), new { amount, cardToken }, key));

    /// <summary>The reconciliation job's work, on a new host (the old process is gone), once the payment is old enough.</summary>
    private async Task<CardReconciliationReport> ReconcileOnFreshHostAsync(bool advanceClock = true)
    {
        if (advanceClock)
            _clock.Advance(TimeSpan.FromSeconds(ReconcileAfterSeconds + 1));
        await using var fresh = StartHost(withFaults: false);
        await using var scope = fresh.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReconcileCardPaymentsCommand());
    }

    private Task<Guid> OnlyPaymentIdAsync() => Database.ScalarAsync<Guid>("SELECT id FROM payments");

    private Task<string> PaymentStateAsync(Guid id) =>
        Database.ScalarAsync<string>("SELECT status || '|' || coalesce(failure_code, '') FROM payments WHERE id = $1", id);

    private async Task<decimal> BalanceAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;

    private async Task AssertChargedAndCreditedOnceAsync(TestCustomer customer, Guid paymentId, decimal amount)
    {
        Assert.Equal(1, _gateway.ApprovedChargesUnder($"charge:{paymentId}"));
        Assert.Equal(1, _gateway.DistinctChargesApproved);
        Assert.Equal("Paid|", await PaymentStateAsync(paymentId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries",
            "type = 'Deposit' AND reference_type = 'payment' AND reference_id = $1 AND amount = $2", paymentId, amount));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND ledger_entry_id IS NOT NULL AND gateway_reference LIKE 'fake\\_%'", paymentId));
        Assert.Equal(amount, await BalanceAsync(customer.WalletId));
    }

    private async Task AssertNeitherChargedNorCreditedAsync(TestCustomer customer, Guid paymentId, string failureCode)
    {
        Assert.Equal(0, _gateway.DistinctChargesApproved);
        Assert.Equal($"Failed|{failureCode}", await PaymentStateAsync(paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Dying_after_the_pending_commit_and_before_the_call_ends_failed_with_the_card_never_charged()
    {
        var customer = await CreateCustomerAsync();
        Crashing().CrashNextCharge(CardCrashPoint.BeforeCharge);

        var response = await TopUp(customer, 50m, "crash-before");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var paymentId = await OnlyPaymentIdAsync();
        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));
        Assert.Empty(_gateway.Calls);

        var report = await ReconcileOnFreshHostAsync();

        Assert.Equal(new CardReconciliationReport(Found: 1, Paid: 0, Failed: 1, Mismatched: 0, Unreachable: 0, Errors: 0), report);
        Assert.Equal($"charge:{paymentId}", Assert.Single(_gateway.LookupCalls).IdempotencyKey);
        await AssertNeitherChargedNorCreditedAsync(customer, paymentId, ErrorCodes.CardNotCharged);
    }

    [Theory]
    [InlineData("tok_visa")]
    [InlineData("tok_declined")]
    public async Task Dying_after_the_gateway_answered_and_before_the_outcome_commit_ends_as_the_gateway_decided(string cardToken)
    {
        var customer = await CreateCustomerAsync();
        Crashing().CrashNextCharge(CardCrashPoint.AfterCharge);

        var response = await TopUp(customer, 50m, "crash-after", cardToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var paymentId = await OnlyPaymentIdAsync();
        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal($"charge:{paymentId}", Assert.Single(_gateway.Calls).IdempotencyKey);

        var report = await ReconcileOnFreshHostAsync();

        Assert.Equal(1, report.Found);
        if (cardToken == "tok_visa")
        {
            Assert.Equal(1, report.Paid);
            await AssertChargedAndCreditedOnceAsync(customer, paymentId, 50m);
            Assert.Equal(1L, await Database.CountAsync("ledger_entries", "actor = $1", ReconcileCardPaymentsHandler.Actor));
        }
        else
        {
            Assert.Equal(1, report.Failed);
            await AssertNeitherChargedNorCreditedAsync(customer, paymentId, "card_declined");
        }

        // The client's retry answers the settled payment; the card is not charged again.
        var replay = await TopUp(customer, 50m, "crash-after", cardToken);
        Assert.Equal(cardToken == "tok_visa" ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity, replay.StatusCode);
        Assert.Single(_gateway.Calls);
        Assert.Equal(cardToken == "tok_visa" ? 50m : 0m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task A_failed_outcome_commit_answers_202_pending_and_reconciliation_credits_the_wallet_once()
    {
        var customer = await CreateCustomerAsync();
        _commitFault.FailNextCommitOf(UpdatesPayment);

        var response = await TopUp(customer, 75.25m, "commit-fails");

        await AssertStatus(response, HttpStatusCode.Accepted);
        var answer = await ReadJson(response);
        var paymentId = Guid.Parse((string)answer["id"]!);
        Assert.Equal("Pending", (string?)answer["status"]);
        Assert.Equal($"/api/v1/payments/{paymentId}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, _commitFault.Failures);
        Assert.Equal(1, _gateway.DistinctChargesApproved);
        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));

        var report = await ReconcileOnFreshHostAsync();

        Assert.Equal(new CardReconciliationReport(1, 1, 0, 0, 0, 0), report);
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 75.25m);
        Assert.Single(_gateway.Calls);
    }

    [Fact]
    public async Task An_outcome_commit_that_went_through_but_reported_failure_answers_paid_and_is_not_applied_twice()
    {
        var customer = await CreateCustomerAsync();
        _commitFault.FailNextCommitOf(UpdatesPayment, afterCommit: true);

        var response = await TopUp(customer, 30m, "commit-ambiguous");

        // The unit of work asks PostgreSQL whether the failed commit took effect (pg_xact_status): it did, so the client
        // gets the final answer at once and nothing is run again.
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        Assert.Equal("Paid", (string?)body["status"]);
        var paymentId = Guid.Parse((string)body["id"]!);
        Assert.Equal(1, _commitFault.Failures);

        var report = await ReconcileOnFreshHostAsync();

        Assert.Equal(0, report.Found);
        Assert.Empty(_gateway.LookupCalls);
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 30m);
    }

    [Fact]
    public async Task A_direct_card_payment_whose_process_died_after_approval_is_completed_paid_without_a_ledger_entry()
    {
        var customer = await CreateCustomerAsync();
        Crashing().CrashNextCharge(CardCrashPoint.AfterCharge);

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 19.99m, currency = "USD", cardToken = "tok_visa", description = "Licence" }));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var paymentId = await OnlyPaymentIdAsync();

        Assert.Equal(new CardReconciliationReport(1, 1, 0, 0, 0, 0), await ReconcileOnFreshHostAsync());

        Assert.Equal("Paid|", await PaymentStateAsync(paymentId));
        Assert.Equal(1, _gateway.DistinctChargesApproved);
        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND wallet_id IS NULL AND ledger_entry_id IS NULL AND gateway_reference LIKE 'fake\\_%'", paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
    }

    [Fact]
    public async Task A_client_that_hangs_up_while_the_card_is_charged_still_gets_its_top_up_recorded_once()
    {
        var customer = await CreateCustomerAsync();
        _gateway.DelayNextCalls(1, TimeSpan.FromMilliseconds(800));
        using var hangUp = new CancellationTokenSource();

        var request = Client(customer.ApiKey).SendAsync(
            Post(TopUpUrl(customer.WalletId), new { amount = 45m, cardToken = "tok_visa" }, "hang-up"), hangUp.Token);
        // The client hangs up once the processor has the charge in hand.
        var waitForCall = DateTime.UtcNow.AddSeconds(15);
        while (_gateway.CallCount == 0 && DateTime.UtcNow < waitForCall)
            await Task.Delay(20);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await Database.CountAsync("payments", "status = 'Paid'") == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var paymentId = await OnlyPaymentIdAsync();
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 45m);
        // Nothing is left for reconciliation.
        Assert.Equal(0, (await ReconcileOnFreshHostAsync()).Found);
    }

    [Fact]
    public async Task A_409_from_the_gateway_is_not_a_decline_and_leaves_the_payment_pending_for_reconciliation()
    {
        var customer = await CreateCustomerAsync();
        // The processor charged the card but answered 409 "request with this key in progress".
        _gateway.ProcessButAnswerNextCharges(1, 409);

        var response = await TopUp(customer, 40m, "in-progress");

        await AssertStatus(response, HttpStatusCode.Accepted);
        var paymentId = Guid.Parse((string)(await ReadJson(response))["id"]!);
        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));
        Assert.Single(_gateway.Calls);
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));

        Assert.Equal(new CardReconciliationReport(1, 1, 0, 0, 0, 0), await ReconcileOnFreshHostAsync());
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 40m);
    }

    [Fact]
    public async Task A_replay_of_a_pending_top_up_continues_the_same_charge_and_later_replays_answer_its_outcome()
    {
        var customer = await CreateCustomerAsync();
        _gateway.FailNextCalls(1, 409);

        var first = await TopUp(customer, 60m, "continue-me");
        await AssertStatus(first, HttpStatusCode.Accepted);
        var paymentId = Guid.Parse((string)(await ReadJson(first))["id"]!);

        var second = await TopUp(customer, 60m, "continue-me");
        await AssertStatus(second, HttpStatusCode.Created);
        var paid = await ReadJson(second);
        Assert.Equal(paymentId.ToString(), (string?)paid["id"]);
        Assert.Equal("Paid", (string?)paid["status"]);
        Assert.Equal(60m, (decimal)paid["walletBalance"]!);
        // The same payment's key both times: one payment, one charge.
        Assert.Equal([$"charge:{paymentId}", $"charge:{paymentId}"], _gateway.Calls.Select(c => c.IdempotencyKey));
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 60m);

        var third = await TopUp(customer, 60m, "continue-me");
        await AssertStatus(third, HttpStatusCode.Created);
        Assert.Equal(await second.Content.ReadAsStringAsync(), await third.Content.ReadAsStringAsync());
        Assert.Equal("true", third.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(2, _gateway.CallCount);
        Assert.Equal(1L, await Database.CountAsync("payments"));
    }

    [Fact]
    public async Task Parallel_replays_of_a_pending_top_up_charge_the_card_once_and_credit_the_wallet_once()
    {
        var customer = await CreateCustomerAsync();
        _gateway.FailNextCalls(1, 409);
        await AssertStatus(await TopUp(customer, 25m, "parallel"), HttpStatusCode.Accepted);
        var paymentId = await OnlyPaymentIdAsync();

        var replays = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TopUp(customer, 25m, "parallel")));

        foreach (var replay in replays)
        {
            await AssertStatus(replay, HttpStatusCode.Created);
            var body = await ReadJson(replay);
            Assert.Equal(paymentId.ToString(), (string?)body["id"]);
            Assert.Equal("Paid", (string?)body["status"]);
        }
        Assert.Single(_gateway.Calls.Select(c => c.IdempotencyKey).Distinct());
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 25m);
    }

    [Fact]
    public async Task Reconciliation_leaves_young_payments_alone_and_retries_an_unreachable_gateway_on_the_next_run()
    {
        var customer = await CreateCustomerAsync();
        _gateway.FailNextCalls(MaxRetries + 1, 503);
        await AssertStatus(await TopUp(customer, 10m, "gateway-down"), HttpStatusCode.Accepted);
        var paymentId = await OnlyPaymentIdAsync();

        // Younger than ReconcileAfterSeconds: possibly still in flight, so not asked about.
        _clock.Advance(TimeSpan.FromSeconds(ReconcileAfterSeconds - 5));
        Assert.Equal(0, (await ReconcileOnFreshHostAsync(advanceClock: false)).Found);
        Assert.Empty(_gateway.LookupCalls);

        _gateway.FailNextCalls(MaxRetries + 1, 503);
        var unreachable = await ReconcileOnFreshHostAsync();
        Assert.Equal(new CardReconciliationReport(1, 0, 0, 0, 1, 0), unreachable);
        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));

        // The gateway is back and never saw the charge (every attempt was refused): nothing was charged.
        Assert.Equal(new CardReconciliationReport(1, 0, 1, 0, 0, 0), await ReconcileOnFreshHostAsync(advanceClock: false));
        await AssertNeitherChargedNorCreditedAsync(customer, paymentId, ErrorCodes.CardNotCharged);
    }

    [Fact]
    public async Task A_gateway_charge_of_another_amount_is_never_completed_and_is_reported_as_gateway_mismatch()
    {
        var customer = await CreateCustomerAsync();
        _gateway.ProcessButAnswerNextCharges(1, 409);
        await AssertStatus(await TopUp(customer, 40m, "mismatch"), HttpStatusCode.Accepted);
        var paymentId = await OnlyPaymentIdAsync();
        _gateway.LookupAmountOffset = 1.00m;

        Assert.Equal(new CardReconciliationReport(1, 0, 0, 1, 0, 0), await ReconcileOnFreshHostAsync());

        Assert.Equal("Pending|", await PaymentStateAsync(paymentId));
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND gateway_mismatch LIKE '%41.00 ZAR%40.00 ZAR%'", paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));

        // Left for a person: later runs do not ask again or complete it.
        Assert.Equal(0, (await ReconcileOnFreshHostAsync()).Found);
        Assert.Single(_gateway.LookupCalls);

        var check = await AdminClient().PostAsync("/api/v1/admin/integrity-checks", null);
        await AssertStatus(check, HttpStatusCode.Created);
        var issue = Assert.Single((await ReadJson(check))["issues"]!.AsArray(), i => (string?)i!["kind"] == "gateway_mismatch")!;
        Assert.Equal(customer.WalletId.ToString(), (string?)issue["walletId"]);
        Assert.Contains(paymentId.ToString(), (string?)issue["detail"]);
    }

    [Theory]
    [InlineData("do_not_honour", "do_not_honour")]
    [InlineData("Insufficient Funds!", "card_declined")]
    [InlineData(null, "card_declined")]
    public async Task A_gateway_decline_code_is_kept_only_when_it_is_a_plain_short_code(string? declineCode, string expected)
    {
        var customer = await CreateCustomerAsync();
        // null stands for a code far longer than the column (64).
        _gateway.DeclineCode = declineCode ?? string.Concat(Enumerable.Repeat("very_long_decline_code_", 20));

        var response = await TopUp(customer, 15m, "declined", "tok_declined");

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, expected);
        var paymentId = Guid.Parse((string)problem["paymentId"]!);
        Assert.Equal($"Failed|{expected}", await PaymentStateAsync(paymentId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
    }

    [Fact]
    public async Task The_simulated_gateway_answers_lookups_from_its_own_table_after_a_restart()
    {
        await using var simulated = StartHost(withFaults: true, simulatedGateway: true);
        var customer = await CreateCustomerAsync();
        Crashing(simulated).CrashNextCharge(CardCrashPoint.AfterCharge);
        var client = simulated.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", customer.ApiKey);

        var response = await client.SendAsync(Post(TopUpUrl(customer.WalletId), new { amount = 12m, cardToken = "tok_visa" }, "sim"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var paymentId = await OnlyPaymentIdAsync();
        Assert.Equal(1L, await Database.CountAsync("simulated_card_operations",
            "idempotency_key = $1 AND kind = 'charge' AND approved AND amount = 12.00", $"charge:{paymentId}"));

        _clock.Advance(TimeSpan.FromSeconds(ReconcileAfterSeconds + 1));
        await using var fresh = StartHost(withFaults: false, simulatedGateway: true);
        await using var scope = fresh.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReconcileCardPaymentsCommand());

        Assert.Equal(new CardReconciliationReport(1, 1, 0, 0, 0, 0), report);
        Assert.Equal("Paid|", await PaymentStateAsync(paymentId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Deposit' AND reference_id = $1", paymentId));
        Assert.Equal(12m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task The_card_reconciliation_job_can_be_triggered_through_the_jobs_api()
    {
        var customer = await CreateCustomerAsync();
        Crashing().CrashNextCharge(CardCrashPoint.AfterCharge);
        Assert.Equal(HttpStatusCode.InternalServerError, (await TopUp(customer, 33m, "via-job")).StatusCode);
        var paymentId = await OnlyPaymentIdAsync();
        _clock.Advance(TimeSpan.FromSeconds(ReconcileAfterSeconds + 1));

        await using var scheduled = StartHost(withFaults: false, scheduling: true);
        var admin = scheduled.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        await AssertStatus(await admin.PostAsync("/api/v1/admin/jobs/card-reconciliation/trigger", null), HttpStatusCode.Accepted);

        const string succeeded = "job_name = 'card-reconciliation' AND status = 'Succeeded'";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Database.CountAsync("job_runs", succeeded) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        await AssertChargedAndCreditedOnceAsync(customer, paymentId, 33m);
        var summary = JsonNode.Parse(await Database.ScalarAsync<string>(
            "SELECT summary::text FROM job_runs WHERE job_name = 'card-reconciliation' AND status = 'Succeeded' LIMIT 1"))!;
        Assert.Equal(1, (int)summary["paid"]!);
    }
}
