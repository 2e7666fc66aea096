using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Holds;

public sealed class HoldTests(TestDatabase database) : HoldsTestBase(database)
{
    [Fact]
    public async Task Placing_a_hold_lowers_available_funds_and_leaves_the_balance_and_ledger_alone()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var response = await Client(customer.ApiKey).SendAsync(Post(HoldsUrl(customer.WalletId),
            new { amount = 30.25m, description = "Hotel night", reference = "BK-7", expiresInSeconds = 3600 }));

        await AssertStatus(response, HttpStatusCode.Created);
        var hold = await ReadJson(response);
        var id = (string)hold["id"]!;
        Assert.Equal($"/api/v1/holds/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Active", (string?)hold["status"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)hold["walletId"]);
        Assert.Equal(30.25m, (decimal)hold["amount"]!);
        Assert.Equal("ZAR", (string?)hold["currency"]);
        Assert.Equal(0m, (decimal)hold["capturedAmount"]!);
        Assert.Equal("BK-7", (string?)hold["reference"]);
        Assert.Equal(100m, (decimal)hold["walletBalance"]!);
        Assert.Equal(69.75m, (decimal)hold["walletAvailable"]!);
        Assert.Null(hold["paymentId"]);
        Assert.Null(hold["orderId"]);
        var createdAt = (DateTimeOffset)hold["createdAt"]!;
        Assert.Equal(createdAt.AddSeconds(3600), (DateTimeOffset)hold["expiresAt"]!);

        Assert.Equal((100m, 30.25m, 69.75m), await FundsAsync(customer.WalletId));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        var stored = await GetHoldAsync(Guid.Parse(id));
        Assert.Equal("Active", (string?)stored["status"]);
        Assert.Null(stored["walletBalance"]);
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task A_hold_without_expiry_lasts_the_default_expiry_setting()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);

        var hold = await ReadJson(await PlaceHold(customer, 5m));

        Assert.Equal(((DateTimeOffset)hold["createdAt"]!).AddDays(7), (DateTimeOffset)hold["expiresAt"]!);
    }

    [Fact]
    public async Task A_hold_over_available_funds_is_a_422_insufficient_funds_counting_other_holds_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await PlaceHoldAsync(customer, 60m);

        var problem = await AssertProblem(await PlaceHold(customer, 40.01m), HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        Assert.Equal(40m, (decimal)problem["available"]!);
        Assert.Equal(1L, await Database.CountAsync("holds"));
        Assert.Equal((100m, 60m, 40m), await FundsAsync(customer.WalletId));
        // A payment cannot spend what a hold reserves either.
        await AssertProblem(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 40.01m, description = "Too much" })), HttpStatusCode.UnprocessableEntity, "insufficient_funds");
    }

    [Fact]
    public async Task An_invoice_wallet_may_hold_down_to_minus_its_credit_limit_and_no_further()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 500m);

        await PlaceHoldAsync(customer, 500m);
        await AssertProblem(await PlaceHold(customer, 0.01m), HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        Assert.Equal((0m, 500m, 0m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_frozen_wallet_refuses_a_hold_with_422_wallet_frozen()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await AssertStatus(await AdminClient().PostAsync($"/api/v1/wallets/{customer.WalletId}/freeze", null), HttpStatusCode.OK);

        await AssertProblem(await PlaceHold(customer, 10m), HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        Assert.Equal(0L, await Database.CountAsync("holds"));
    }

    [Theory]
    [InlineData("{\"description\":\"x\"}", "amount")]
    [InlineData("{\"amount\":0,\"description\":\"x\"}", "amount")]
    [InlineData("{\"amount\":1.001,\"description\":\"x\"}", null)]
    [InlineData("{\"amount\":5}", "description")]
    [InlineData("{\"amount\":5,\"description\":\"x\",\"expiresInSeconds\":0}", "expiresInSeconds")]
    [InlineData("{\"amount\":5,\"description\":\"x\",\"expiresInSeconds\":2592001}", "expiresInSeconds")]
    public async Task Bad_hold_input_is_a_400_and_writes_nothing(string json, string? field)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(HoldsUrl(customer.WalletId), json));

        await AssertStatus(response, HttpStatusCode.BadRequest);
        var problem = await ReadJson(response);
        Assert.Contains((string?)problem["code"], new[] { "validation_failed", "malformed_request" });
        if (field is not null)
            Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(0L, await Database.CountAsync("holds"));
        Assert.Equal((100m, 0m, 100m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task Capturing_a_whole_hold_makes_one_linked_wallet_payment_naming_the_hold()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 30m);

        var response = await Capture(holdId, customer.ApiKey);

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        var paymentId = (string)payment["id"]!;
        Assert.Equal($"/api/v1/payments/{paymentId}", response.Headers.Location?.OriginalString);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal("Wallet", (string?)payment["method"]);
        Assert.Equal(30m, (decimal)payment["amount"]!);
        Assert.Equal(holdId.ToString(), (string?)payment["holdId"]);
        Assert.Equal(70m, (decimal)payment["walletBalance"]!);
        Assert.Equal(70m, (decimal)payment["walletAvailable"]!);

        var entryId = Guid.Parse((string)payment["ledgerEntryId"]!);
        Assert.Equal(1L, await Database.CountAsync("ledger_entries",
            "id = $1 AND type = 'Payment' AND amount = 30.00 AND reference_type = 'payment' AND reference_id = $2", entryId, Guid.Parse(paymentId)));
        var hold = await GetHoldAsync(holdId);
        Assert.Equal("Captured", (string?)hold["status"]);
        Assert.Equal(30m, (decimal)hold["capturedAmount"]!);
        Assert.Equal(paymentId, (string?)hold["paymentId"]);
        Assert.Equal(holdId.ToString(), (string?)(await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/payments/{paymentId}")))["holdId"]);
        Assert.Equal((70m, 0m, 70m), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task Capturing_less_than_the_hold_takes_that_much_and_releases_the_rest()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 50m);
        await PlaceHoldAsync(customer, 10m);

        var payment = await ReadJson(await Capture(holdId, customer.ApiKey, 20.5m));

        Assert.Equal(20.5m, (decimal)payment["amount"]!);
        Assert.Equal((79.5m, 10m, 69.5m), await FundsAsync(customer.WalletId));
        var hold = await GetHoldAsync(holdId);
        Assert.Equal("Captured", (string?)hold["status"]);
        Assert.Equal(20.5m, (decimal)hold["capturedAmount"]!);
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task Capturing_more_than_the_hold_is_a_422_capture_exceeds_hold_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 50m);

        await AssertProblem(await Capture(holdId, customer.ApiKey, 50.01m), HttpStatusCode.UnprocessableEntity, "capture_exceeds_hold");

        Assert.Equal("Active", (string?)(await GetHoldAsync(holdId))["status"]);
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal((100m, 50m, 50m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_hold_is_captured_once_a_second_capture_is_a_409_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 10m);
        await AssertStatus(await Capture(holdId, customer.ApiKey, 4m), HttpStatusCode.Created);

        await AssertProblem(await Capture(holdId, customer.ApiKey, 4m), HttpStatusCode.Conflict, "hold_not_active");
        await AssertProblem(await Void(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_not_active");

        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal((96m, 0m, 96m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task Voiding_a_hold_restores_available_funds_without_a_ledger_entry()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 40m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var response = await Void(holdId, customer.ApiKey);

        await AssertStatus(response, HttpStatusCode.OK);
        var hold = await ReadJson(response);
        Assert.Equal("Voided", (string?)hold["status"]);
        Assert.Equal(100m, (decimal)hold["walletAvailable"]!);
        Assert.NotNull(hold["closedAt"]);
        Assert.Equal((100m, 0m, 100m), await FundsAsync(customer.WalletId));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        await AssertProblem(await Capture(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_not_active");
        await AssertProblem(await Void(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_not_active");
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
    }

    [Fact]
    public async Task Capturing_a_hold_past_its_expiry_time_is_a_409_hold_expired_even_before_the_job_releases_it()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 40m, expiresInSeconds: 60);
        Clock.Advance(TimeSpan.FromSeconds(60));

        await AssertProblem(await Capture(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_expired");

        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal((100m, 40m, 60m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task Holds_reserving_an_order_cannot_be_captured_or_voided_through_the_holds_api()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 40m);
        // An order places its hold itself (POST /orders); here the link is made behind the API's back to test the holds API alone.
        var orderId = Guid.NewGuid();
        await Database.ScalarAsync<int>("""
            INSERT INTO orders (id, customer_id, wallet_id, amount, currency, description, status, fulfilment_deadline, created_at, updated_at)
            SELECT $1, customer_id, wallet_id, amount, currency, description, 'Fulfilling', created_at + interval '1 hour', created_at, updated_at
            FROM holds WHERE id = $2
            RETURNING 1
            """, orderId, holdId);
        await Database.ScalarAsync<int>("UPDATE holds SET order_id = $1 WHERE id = $2 RETURNING 1", orderId, holdId);

        var capture = await AssertProblem(await Capture(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_belongs_to_order");
        await AssertProblem(await Void(holdId, customer.ApiKey), HttpStatusCode.Conflict, "hold_belongs_to_order");

        Assert.Equal(orderId.ToString(), (string?)capture["orderId"]);
        Assert.Equal("Active", (string?)(await GetHoldAsync(holdId))["status"]);
        Assert.Equal((100m, 40m, 60m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task Another_customers_hold_is_a_404_for_reading_capturing_and_voiding()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var mallory = await CreateCustomerAsync(name: "Mallory");
        await TopUpAsync(alice.WalletId, 100m);
        var holdId = await PlaceHoldAsync(alice, 40m);

        await AssertProblem(await Client(mallory.ApiKey).GetAsync(HoldUrl(holdId)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Capture(holdId, mallory.ApiKey), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Void(holdId, mallory.ApiKey), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client(mallory.ApiKey).GetAsync(HoldsUrl(alice.WalletId)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await PlaceHold(alice, 1m, client: Client(mallory.ApiKey)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client(alice.ApiKey).GetAsync(HoldUrl(Guid.NewGuid())), HttpStatusCode.NotFound, "not_found");

        Assert.Equal("Active", (string?)(await GetHoldAsync(holdId))["status"]);
        Assert.Equal(1L, await Database.CountAsync("holds"));
    }

    [Fact]
    public async Task Ops_may_read_holds_but_not_place_capture_or_void_them()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 40m);
        var created = await ReadJson(await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name = "night", role = "ops" })));
        var ops = (string)created["apiKey"]!;

        await AssertStatus(await Client(ops).GetAsync(HoldUrl(holdId)), HttpStatusCode.OK);
        await AssertStatus(await Client(ops).GetAsync(HoldsUrl(customer.WalletId)), HttpStatusCode.OK);
        await AssertProblem(await PlaceHold(customer, 1m, client: Client(ops)), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Capture(holdId, ops), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Void(holdId, ops), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("Active", (string?)(await GetHoldAsync(holdId))["status"]);
    }

    [Fact]
    public async Task A_wallets_holds_are_listed_newest_first_paged_and_filtered_by_status()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var first = await PlaceHoldAsync(customer, 1m);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await PlaceHoldAsync(customer, 2m);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await PlaceHoldAsync(customer, 3m);
        await AssertStatus(await Void(second, customer.ApiKey), HttpStatusCode.OK);
        var client = Client(customer.ApiKey);

        var page = await ReadJson(await client.GetAsync($"{HoldsUrl(customer.WalletId)}?page=1&pageSize=2"));
        Assert.Equal(3, (int)page["totalCount"]!);
        Assert.Equal([third.ToString(), second.ToString()], page["items"]!.AsArray().Select(h => (string)h!["id"]!));
        var active = await ReadJson(await client.GetAsync($"{HoldsUrl(customer.WalletId)}?status=active"));
        Assert.Equal([third.ToString(), first.ToString()], active["items"]!.AsArray().Select(h => (string)h!["id"]!));
        var voided = await ReadJson(await client.GetAsync($"{HoldsUrl(customer.WalletId)}?status=Voided"));
        Assert.Equal([second.ToString()], voided["items"]!.AsArray().Select(h => (string)h!["id"]!));

        await AssertProblem(await client.GetAsync($"{HoldsUrl(customer.WalletId)}?status=Pending"), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.GetAsync($"{HoldsUrl(customer.WalletId)}?pageSize=101"), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task The_wallet_shows_held_and_available_net_of_holds()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 200m);
        await TopUpAsync(customer.WalletId, 50m);
        await PlaceHoldAsync(customer, 120m);

        var wallet = await GetWalletAsync(customer.WalletId);

        Assert.Equal(50m, (decimal)wallet["balance"]!);
        Assert.Equal(120m, (decimal)wallet["held"]!);
        Assert.Equal(130m, (decimal)wallet["available"]!);
        Assert.Equal(200m, (decimal)wallet["creditLimit"]!);
    }

    [Fact]
    public async Task Hold_commands_with_the_same_idempotency_key_are_applied_once_and_replayed()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var placed = await PlaceHold(customer, 30m, key: "hold-1");
        var replayed = await PlaceHold(customer, 30m, key: "hold-1");
        await AssertStatus(replayed, HttpStatusCode.Created);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        var holdId = Guid.Parse((string)(await ReadJson(placed))["id"]!);
        Assert.Equal(holdId.ToString(), (string?)(await ReadJson(replayed))["id"]);
        Assert.Equal(1L, await Database.CountAsync("holds"));
        await AssertProblem(await PlaceHold(customer, 31m, key: "hold-1"), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        var captured = await ReadJson(await Capture(holdId, customer.ApiKey, 10m, key: "capture-1"));
        var recaptured = await Capture(holdId, customer.ApiKey, 10m, key: "capture-1");
        await AssertStatus(recaptured, HttpStatusCode.Created);
        Assert.Equal((string?)captured["id"], (string?)(await ReadJson(recaptured))["id"]);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));

        var other = await PlaceHoldAsync(customer, 5m);
        await AssertStatus(await Void(other, customer.ApiKey, key: "void-1"), HttpStatusCode.OK);
        var revoided = await Void(other, customer.ApiKey, key: "void-1");
        await AssertStatus(revoided, HttpStatusCode.OK);
        Assert.Equal("Voided", (string?)(await ReadJson(revoided))["status"]);
        Assert.Equal((90m, 0m, 90m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task Admin_hold_actions_are_audited_and_a_customers_are_not()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var own = await PlaceHoldAsync(customer, 10m);
        await AssertStatus(await Void(own, customer.ApiKey), HttpStatusCode.OK);
        Assert.Equal(0L, await Database.CountAsync("audit_log", "action LIKE 'hold.%'"));

        var placed = await ReadJson(await PlaceHold(customer, 30m, client: AdminClient()));
        var holdId = Guid.Parse((string)placed["id"]!);
        await AssertStatus(await Capture(holdId, ApiFactory.AdminKey, 12m), HttpStatusCode.Created);
        var second = Guid.Parse((string)(await ReadJson(await PlaceHold(customer, 5m, client: AdminClient())))["id"]!);
        await AssertStatus(await Void(second, ApiFactory.AdminKey), HttpStatusCode.OK);

        Assert.Equal(1L, await Database.CountAsync("audit_log",
            "action = 'hold.place' AND target_id = $1 AND actor = 'admin:bootstrap' AND amount = 30.00", holdId));
        Assert.Equal(1L, await Database.CountAsync("audit_log",
            "action = 'hold.capture' AND target_id = $1 AND amount = 12.00 AND after LIKE '%\"holdStatus\":\"Captured\"%'", holdId));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'hold.void' AND target_id = $1 AND amount = 5.00", second));
    }

    [Fact]
    public async Task A_hold_of_the_whole_balance_can_be_captured_down_to_zero()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 100m);

        var captured = await ReadJson(await Capture(holdId, customer.ApiKey));

        Assert.Equal(0m, (decimal)captured["walletBalance"]!);
        Assert.Equal((0m, 0m, 0m), await FundsAsync(customer.WalletId));
    }
}
