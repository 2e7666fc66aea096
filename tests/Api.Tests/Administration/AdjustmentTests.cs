using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Administration;

public sealed class AdjustmentTests(TestDatabase database) : AdministrationTestBase(database)
{
    [Fact]
    public async Task A_credit_writes_the_adjustment_its_ledger_entry_and_an_audit_entry_linked_together()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var response = await AdjustAsync(customer.WalletId, "credit", 25.5m, "Goodwill credit for outage #12");

        await AssertStatus(response, HttpStatusCode.Created);
        var adjustment = await ReadJson(response);
        var adjustmentId = (string)adjustment["id"]!;
        Assert.Equal($"/api/v1/wallets/{customer.WalletId}/adjustments/{adjustmentId}", response.Headers.Location?.OriginalString);
        Assert.Equal(customer.WalletId.ToString(), (string?)adjustment["walletId"]);
        Assert.Equal("Credit", (string?)adjustment["direction"]);
        Assert.Equal(25.5m, (decimal)adjustment["amount"]!);
        Assert.Equal("ZAR", (string?)adjustment["currency"]);
        Assert.Equal("Goodwill credit for outage #12", (string?)adjustment["reason"]);
        Assert.Equal(125.5m, (decimal)adjustment["walletBalance"]!);
        Assert.NotNull(adjustment["createdAt"]);

        // The ledger entry names the adjustment, the adjustment names the entry.
        var entryId = (string)adjustment["ledgerEntryId"]!;
        var entry = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions/{entryId}"));
        Assert.Equal("AdjustmentCredit", (string?)entry["type"]);
        Assert.Equal("Credit", (string?)entry["direction"]);
        Assert.Equal(25.5m, (decimal)entry["amount"]!);
        Assert.Equal(100m, (decimal)entry["balanceBefore"]!);
        Assert.Equal(125.5m, (decimal)entry["balanceAfter"]!);
        Assert.Equal("adjustment", (string?)entry["referenceType"]);
        Assert.Equal(adjustmentId, (string?)entry["referenceId"]);
        Assert.Equal(BootstrapActor, (string?)entry["actor"]);
        Assert.Equal(1L, await Database.CountAsync("adjustments", "id = $1 AND ledger_entry_id = $2 AND actor = $3 AND direction = 'Credit'",
            Guid.Parse(adjustmentId), Guid.Parse(entryId), BootstrapActor));
        Assert.Equal(125.5m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        // The Location answers the same adjustment.
        var fetched = await AdminClient().GetAsync(response.Headers.Location);
        await AssertStatus(fetched, HttpStatusCode.OK);
        Assert.Equal(adjustment.ToJsonString(), (await ReadJson(fetched)).ToJsonString());

        // Who, what, which target, how much, why, the state before and after, and from which request.
        var audit = Assert.Single(Items(await AuditAsync()))!.AsObject();
        Assert.Equal(BootstrapActor, (string?)audit["actor"]);
        Assert.Equal("wallet.adjustment.credit", (string?)audit["action"]);
        Assert.Equal("wallet", (string?)audit["targetType"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)audit["targetId"]);
        Assert.Equal(25.5m, (decimal)audit["amount"]!);
        Assert.Equal("ZAR", (string?)audit["currency"]);
        Assert.Equal("Goodwill credit for outage #12", (string?)audit["reason"]);
        Assert.Equal(100m, (decimal)audit["before"]!["balance"]!);
        Assert.Equal("Active", (string?)audit["before"]!["status"]);
        Assert.Equal(125.5m, (decimal)audit["after"]!["balance"]!);
        Assert.Equal("Active", (string?)audit["after"]!["status"]);
        Assert.Equal(RequestId(response), (string?)audit["requestId"]);
        Assert.False((bool)audit["flaggedForReview"]!);
    }

    [Fact]
    public async Task A_debit_writes_an_AdjustmentDebit_entry_and_a_debit_audit_entry()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var adjustment = await AdjustOkAsync(customer.WalletId, "DEBIT", 100m, "Duplicate top-up reversed");

        Assert.Equal("Debit", (string?)adjustment["direction"]);
        Assert.Equal(0m, (decimal)adjustment["walletBalance"]!);
        var entry = await ReadJson(await AdminClient().GetAsync(
            $"/api/v1/wallets/{customer.WalletId}/transactions/{(string)adjustment["ledgerEntryId"]!}"));
        Assert.Equal("AdjustmentDebit", (string?)entry["type"]);
        Assert.Equal(0m, (decimal)entry["balanceAfter"]!);
        var audit = Assert.Single(Items(await AuditAsync()))!;
        Assert.Equal("wallet.adjustment.debit", (string?)audit["action"]);
        Assert.Equal(100m, (decimal)audit["before"]!["balance"]!);
        Assert.Equal(0m, (decimal)audit["after"]!["balance"]!);
        Assert.Equal(0m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_debit_below_zero_on_a_prepaid_wallet_is_a_422_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var before = await CountWritesAsync();

        var response = await AdjustAsync(customer.WalletId, "debit", 10.01m, "Too much");

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(10m, (decimal)problem["available"]!);
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(10m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_debit_may_take_an_invoice_wallet_to_minus_its_credit_limit_and_no_further()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 500m);

        await AdjustOkAsync(customer.WalletId, "debit", 500m, "Migrated open invoice");
        var beyond = await AdjustAsync(customer.WalletId, "debit", 0.01m, "One cent more");

        await AssertProblem(beyond, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(-500m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("adjustments"));
    }

    [Fact]
    public async Task A_frozen_wallet_refuses_a_debit_adjustment_but_takes_a_credit()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);
        await AssertStatus(await FreezeAsync(customer.WalletId), HttpStatusCode.OK);
        var before = await CountWritesAsync();

        var debit = await AdjustAsync(customer.WalletId, "debit", 1m, "Correction");

        await AssertProblem(debit, HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        Assert.Equal(before, await CountWritesAsync());
        var credit = await AdjustOkAsync(customer.WalletId, "credit", 5m, "Correction");
        Assert.Equal(55m, (decimal)credit["walletBalance"]!);
        var audit = Items(await AuditAsync("?action=wallet.adjustment.credit")).Single()!;
        Assert.Equal("Frozen", (string?)audit["before"]!["status"]);
        Assert.Equal("Frozen", (string?)audit["after"]!["status"]);
    }

    public static TheoryData<string, string, string> BadAdjustmentBodies => new()
    {
        { "missing reason", """{"direction":"credit","amount":5}""", "validation_failed" },
        { "empty reason", """{"direction":"credit","amount":5,"reason":""}""", "validation_failed" },
        { "blank reason", """{"direction":"credit","amount":5,"reason":"   "}""", "validation_failed" },
        { "reason too long", $$"""{"direction":"credit","amount":5,"reason":"{{new string('r', 501)}}"}""", "validation_failed" },
        { "bad direction", """{"direction":"sideways","amount":5,"reason":"x"}""", "validation_failed" },
        { "missing direction", """{"amount":5,"reason":"x"}""", "validation_failed" },
        { "direction as number", """{"direction":"1","amount":5,"reason":"x"}""", "validation_failed" },
        { "three decimals", """{"direction":"credit","amount":1.005,"reason":"x"}""", "validation_failed" },
        { "zero", """{"direction":"debit","amount":0,"reason":"x"}""", "validation_failed" },
        { "negative", """{"direction":"credit","amount":-5,"reason":"x"}""", "validation_failed" },
        { "missing amount", """{"direction":"credit","reason":"x"}""", "validation_failed" },
        { "amount as string", """{"direction":"credit","amount":"5","reason":"x"}""", "malformed_request" },
        { "unknown field", """{"direction":"credit","amount":5,"reason":"x","currency":"USD"}""", "malformed_request" },
        { "empty body", "", "malformed_request" },
    };

    [Theory]
    [MemberData(nameof(BadAdjustmentBodies))]
    public async Task Bad_adjustment_input_is_a_400_and_writes_nothing(string why, string json, string code)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();

        var response = await AdminClient().SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/adjustments", json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, code);
        Assert.True(code != "validation_failed" || problem["errors"] is not null, why);
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Validation_names_each_bad_field()
    {
        var customer = await CreateCustomerAsync();

        var response = await AdminClient().SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/adjustments",
            """{"direction":"sideways","amount":1.234}"""));

        var errors = (await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed"))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("direction"));
        Assert.True(errors.ContainsKey("amount"));
        Assert.True(errors.ContainsKey("reason"));
    }

    [Fact]
    public async Task A_customer_key_is_forbidden_even_on_its_own_wallet()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var before = await CountWritesAsync();

        var response = await AdjustAsync(customer.WalletId, "credit", 1000m, "Free money", apiKey: customer.ApiKey);
        var read = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/adjustments/{Guid.NewGuid()}");

        await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(read, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(10m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Without_a_key_it_is_a_401()
    {
        var customer = await CreateCustomerAsync();

        var response = await AdjustAsync(customer.WalletId, "credit", 1m, "x", apiKey: null);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0L, await Database.CountAsync("adjustments"));
    }

    [Fact]
    public async Task An_unknown_wallet_or_adjustment_is_a_404()
    {
        var customer = await CreateCustomerAsync();

        await AssertProblem(await AdjustAsync(Guid.NewGuid(), "credit", 1m, "x"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}/adjustments/{Guid.NewGuid()}"),
            HttpStatusCode.NotFound, "not_found");
        // An adjustment is found only under its own wallet.
        var other = await CreateCustomerAsync(name: "Other");
        var adjustment = await AdjustOkAsync(customer.WalletId, "credit", 1m);
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/wallets/{other.WalletId}/adjustments/{(string)adjustment["id"]!}"),
            HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1L, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task An_amount_over_the_transaction_maximum_is_a_422()
    {
        var customer = await CreateCustomerAsync();

        var response = await AdjustAsync(customer.WalletId, "credit", 1_000_000.01m, "Too big");

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "amount_over_limit");
        Assert.Equal((0L, 0L, 0L), await CountWritesAsync());
    }

    [Fact]
    public async Task A_replayed_adjustment_has_one_effect_and_one_audit_row()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var first = await AdjustAsync(customer.WalletId, "debit", 40m, "Chargeback fee", idempotencyKey: "adj-1");
        var second = await AdjustAsync(customer.WalletId, "debit", 40m, "Chargeback fee", idempotencyKey: "adj-1");

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(60m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("adjustments"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'AdjustmentDebit'"));
        Assert.Equal(1L, await Database.CountAsync("audit_log"));

        var reused = await AdjustAsync(customer.WalletId, "debit", 41m, "Chargeback fee", idempotencyKey: "adj-1");
        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal((1L, 2L, 1L), await CountWritesAsync());
    }

    [Fact]
    public async Task Parallel_replays_of_one_key_adjust_once()
    {
        var customer = await CreateCustomerAsync();
        using var client = AdminClient();
        var url = $"/api/v1/wallets/{customer.WalletId}/adjustments";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            client.SendAsync(Post(url, new { direction = "credit", amount = 7.5m, reason = "Burst" }, "burst-adj"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single((await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        Assert.Equal(7.5m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal((1L, 1L, 1L), await CountWritesAsync());
    }

    [Fact]
    public async Task The_schema_refuses_an_adjustment_without_a_reason_or_with_a_second_link_to_one_entry()
    {
        var customer = await CreateCustomerAsync();
        var adjustment = await AdjustOkAsync(customer.WalletId, "credit", 5m);
        var entryId = Guid.Parse((string)adjustment["ledgerEntryId"]!);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ScalarAsync<long>(
            "INSERT INTO adjustments VALUES (gen_random_uuid(), $1, 'Credit', 5, '  ', $2, 'admin:x', now())", customer.WalletId, Guid.NewGuid()));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ScalarAsync<long>(
            "INSERT INTO adjustments VALUES (gen_random_uuid(), $1, 'Credit', 5, 'again', $2, 'admin:x', now())", customer.WalletId, entryId));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ScalarAsync<long>(
            "UPDATE adjustments SET amount = 500 WHERE id = $1", Guid.Parse((string)adjustment["id"]!)));
        Assert.Equal(1L, await Database.CountAsync("adjustments", "amount = 5"));
    }
}
