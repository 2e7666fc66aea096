using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Transfers;

public sealed class TransferTests(TestDatabase database) : ApiTestBase(database)
{
    private const string Url = "/api/v1/transfers";

    private static HttpRequestMessage Transfer(Guid from, Guid to, decimal amount, string description = "Transfer", string? idempotencyKey = null) =>
        Post(Url, new { fromWalletId = from, toWalletId = to, amount, description }, idempotencyKey);

    private async Task<TestCustomer> CreateUsdCustomerAsync()
    {
        var response = await AdminClient().PostAsJsonAsync("/api/v1/customers", new { name = "Dollar Co", billingModel = "Payg", currency = "USD" });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new TestCustomer(Guid.Parse((string)body["customerId"]!), Guid.Parse((string)body["walletId"]!), (string)body["apiKey"]!);
    }

    private async Task<JsonObject> EntryAsync(Guid entryId) =>
        await ReadJson(await AdminClient().GetAsync(
            $"/api/v1/wallets/{await Database.ScalarAsync<Guid>("SELECT wallet_id FROM ledger_entries WHERE id = $1", entryId)}/transactions/{entryId}"));

    private async Task AssertNothingWrittenAsync(long entriesBefore)
    {
        Assert.Equal(0L, await Database.CountAsync("transfers"));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));
    }

    [Fact]
    public async Task A_transfer_writes_linked_out_and_in_entries_and_moves_both_balances()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 100m);
        await TopUpAsync(receiver.WalletId, 10m);
        var asSender = Client(sender.ApiKey);

        var response = await asSender.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 30.25m, "Share of the server bill"));

        await AssertStatus(response, HttpStatusCode.Created);
        var transfer = await ReadJson(response);
        var transferId = Guid.Parse((string)transfer["id"]!);
        Assert.Equal($"/api/v1/transfers/{transferId}", response.Headers.Location?.OriginalString);
        Assert.Equal(sender.WalletId, Guid.Parse((string)transfer["fromWalletId"]!));
        Assert.Equal(receiver.WalletId, Guid.Parse((string)transfer["toWalletId"]!));
        Assert.Equal(30.25m, (decimal)transfer["amount"]!);
        Assert.Equal("ZAR", (string?)transfer["currency"]);
        Assert.Equal("Share of the server bill", (string?)transfer["description"]);
        Assert.Equal(69.75m, (decimal)transfer["fromWalletBalance"]!);
        Assert.NotNull(transfer["createdAt"]);

        var outEntry = await EntryAsync(Guid.Parse((string)transfer["outEntryId"]!));
        Assert.Equal(sender.WalletId, Guid.Parse((string)outEntry["walletId"]!));
        Assert.Equal("TransferOut", (string?)outEntry["type"]);
        Assert.Equal("Debit", (string?)outEntry["direction"]);
        Assert.Equal(2L, (long)outEntry["sequence"]!);
        Assert.Equal(100m, (decimal)outEntry["balanceBefore"]!);
        Assert.Equal(69.75m, (decimal)outEntry["balanceAfter"]!);

        var inEntry = await EntryAsync(Guid.Parse((string)transfer["inEntryId"]!));
        Assert.Equal(receiver.WalletId, Guid.Parse((string)inEntry["walletId"]!));
        Assert.Equal("TransferIn", (string?)inEntry["type"]);
        Assert.Equal("Credit", (string?)inEntry["direction"]);
        Assert.Equal(2L, (long)inEntry["sequence"]!);
        Assert.Equal(10m, (decimal)inEntry["balanceBefore"]!);
        Assert.Equal(40.25m, (decimal)inEntry["balanceAfter"]!);

        foreach (var entry in new[] { outEntry, inEntry })
        {
            Assert.Equal("transfer", (string?)entry["referenceType"]);
            Assert.Equal(transferId, Guid.Parse((string)entry["referenceId"]!));
            Assert.Equal(30.25m, (decimal)entry["amount"]!);
            Assert.Equal($"customer:{sender.CustomerId}", (string?)entry["actor"]);
        }

        Assert.Equal(69.75m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(40.25m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("transfers", "id = $1 AND out_entry_id = $2 AND in_entry_id = $3 AND actor = $4",
            transferId, Guid.Parse((string)transfer["outEntryId"]!), Guid.Parse((string)transfer["inEntryId"]!), $"customer:{sender.CustomerId}"));

        // The stored transfer reads back the same, without any wallet balance.
        var stored = await ReadJson(await asSender.GetAsync($"/api/v1/transfers/{transferId}"));
        Assert.Equal((string?)transfer["outEntryId"], (string?)stored["outEntryId"]);
        Assert.Equal((string?)transfer["createdAt"], (string?)stored["createdAt"]);
        Assert.False(stored.ContainsKey("fromWalletBalance"));
    }

    [Fact]
    public async Task A_reseller_funds_its_customers_who_see_their_own_transfer_but_not_the_resellers_balance()
    {
        var reseller = await CreateCustomerAsync(name: "Reseller");
        var first = await CreateCustomerAsync(name: "First end customer");
        var second = await CreateCustomerAsync(name: "Second end customer");
        await TopUpAsync(reseller.WalletId, 500m);
        var asReseller = Client(reseller.ApiKey);

        var toFirst = await asReseller.SendAsync(Transfer(reseller.WalletId, first.WalletId, 120m, "Credit for March"));
        var toSecond = await asReseller.SendAsync(Transfer(reseller.WalletId, second.WalletId, 80m, "Credit for March"));
        await AssertStatus(toFirst, HttpStatusCode.Created);
        await AssertStatus(toSecond, HttpStatusCode.Created);
        var firstTransferId = (string)(await ReadJson(toFirst))["id"]!;
        var secondTransferId = (string)(await ReadJson(toSecond))["id"]!;

        Assert.Equal(300m, (decimal)(await GetWalletAsync(reseller.WalletId))["balance"]!);
        Assert.Equal(120m, (decimal)(await GetWalletAsync(first.WalletId))["balance"]!);
        Assert.Equal(80m, (decimal)(await GetWalletAsync(second.WalletId))["balance"]!);

        var asFirst = Client(first.ApiKey);
        var seenByReceiver = await asFirst.GetAsync($"/api/v1/transfers/{firstTransferId}");
        await AssertStatus(seenByReceiver, HttpStatusCode.OK);
        Assert.False((await ReadJson(seenByReceiver)).ContainsKey("fromWalletBalance"));
        await AssertProblem(await asFirst.GetAsync($"/api/v1/transfers/{secondTransferId}"), HttpStatusCode.NotFound, "not_found");

        var firstList = await ReadJson(await asFirst.GetAsync(Url));
        Assert.Equal(1, (int)firstList["totalCount"]!);
        Assert.Equal(firstTransferId, (string?)firstList["items"]![0]!["id"]);

        var resellerList = await ReadJson(await asReseller.GetAsync(Url));
        Assert.Equal(2, (int)resellerList["totalCount"]!);
        Assert.Equal(secondTransferId, (string?)resellerList["items"]![0]!["id"]);

        // Receiving money gives no right over the sender's wallet.
        await AssertProblem(await asFirst.SendAsync(Transfer(reseller.WalletId, first.WalletId, 1m)), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(300m, (decimal)(await GetWalletAsync(reseller.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_customer_cannot_send_from_another_customers_wallet_nor_read_transfers_that_do_not_touch_its_own()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var carol = await CreateCustomerAsync(name: "Carol");
        await TopUpAsync(bob.WalletId, 50m);
        var asAlice = Client(alice.ApiKey);

        var bobToCarol = await Client(bob.ApiKey).SendAsync(Transfer(bob.WalletId, carol.WalletId, 5m, "Bob pays Carol"));
        await AssertStatus(bobToCarol, HttpStatusCode.Created);
        var bobToCarolId = (string)(await ReadJson(bobToCarol))["id"]!;
        var entriesBefore = await Database.CountAsync("ledger_entries");

        await AssertProblem(await asAlice.SendAsync(Transfer(bob.WalletId, alice.WalletId, 10m, "Steal")), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Transfer(bob.WalletId, carol.WalletId, 10m, "Steal")), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.GetAsync($"/api/v1/transfers/{bobToCarolId}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (int)(await ReadJson(await asAlice.GetAsync(Url)))["totalCount"]!);
        Assert.Equal(0, (int)(await ReadJson(await asAlice.GetAsync($"{Url}?walletId={bob.WalletId}")))["totalCount"]!);

        Assert.Equal(45m, (decimal)(await GetWalletAsync(bob.WalletId))["balance"]!);
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(1L, await Database.CountAsync("transfers"));
    }

    [Fact]
    public async Task Unknown_source_or_destination_wallets_are_404_and_write_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);
        var client = Client(customer.ApiKey);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        await AssertProblem(await client.SendAsync(Transfer(customer.WalletId, Guid.NewGuid(), 1m)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await client.SendAsync(Transfer(Guid.NewGuid(), customer.WalletId, 1m)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().SendAsync(Transfer(customer.WalletId, Guid.NewGuid(), 1m)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await client.GetAsync($"{Url}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");

        await AssertNothingWrittenAsync(entriesBefore);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Wallets_of_different_currencies_are_a_422_currency_mismatch()
    {
        var rand = await CreateCustomerAsync();
        var dollars = await CreateUsdCustomerAsync();
        await TopUpAsync(rand.WalletId, 50m);
        await TopUpAsync(dollars.WalletId, 50m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var problem = await AssertProblem(await Client(rand.ApiKey).SendAsync(Transfer(rand.WalletId, dollars.WalletId, 10m)),
            HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("ZAR", (string?)problem["fromCurrency"]);
        Assert.Equal("USD", (string?)problem["toCurrency"]);
        await AssertProblem(await Client(dollars.ApiKey).SendAsync(Transfer(dollars.WalletId, rand.WalletId, 10m)),
            HttpStatusCode.UnprocessableEntity, "currency_mismatch");

        await AssertNothingWrittenAsync(entriesBefore);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(rand.WalletId))["balance"]!);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(dollars.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_to_the_same_wallet_is_a_400()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var problem = await AssertProblem(await Client(customer.ApiKey).SendAsync(Transfer(customer.WalletId, customer.WalletId, 10m)),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]!["toWalletId"]);
        await AssertNothingWrittenAsync(entriesBefore);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Theory]
    [InlineData("""{"toWalletId":"TO","amount":1,"description":"x"}""", "fromWalletId")]
    [InlineData("""{"fromWalletId":"FROM","amount":1,"description":"x"}""", "toWalletId")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","description":"x"}""", "amount")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","amount":0,"description":"x"}""", "amount")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","amount":-5,"description":"x"}""", "amount")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","amount":1.001,"description":"x"}""", "amount")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","amount":1}""", "description")]
    [InlineData("""{"fromWalletId":"FROM","toWalletId":"TO","amount":1,"description":""}""", "description")]
    public async Task Invalid_input_is_a_400_naming_the_field_and_writes_nothing(string template, string field)
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 50m);
        var entriesBefore = await Database.CountAsync("ledger_entries");
        var json = template.Replace("FROM", sender.WalletId.ToString()).Replace("TO", receiver.WalletId.ToString());

        var problem = await AssertProblem(await Client(sender.ApiKey).SendAsync(PostRaw(Url, json)), HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]![field]);
        await AssertNothingWrittenAsync(entriesBefore);
    }

    [Fact]
    public async Task A_description_over_500_characters_or_an_unknown_field_is_a_400()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 50m);
        var client = Client(sender.ApiKey);

        await AssertProblem(await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 1m, new string('d', 501))),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.SendAsync(Post(Url, new { fromWalletId = sender.WalletId, toWalletId = receiver.WalletId, amount = 1m, description = "x", currency = "ZAR" })),
            HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(0L, await Database.CountAsync("transfers"));
    }

    [Fact]
    public async Task Insufficient_funds_is_a_422_and_writes_nothing()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 10m);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        var problem = await AssertProblem(await Client(sender.ApiKey).SendAsync(Transfer(sender.WalletId, receiver.WalletId, 10.01m, "Too much", "k-short")),
            HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        Assert.Equal(10.01m, (decimal)problem["required"]!);
        Assert.Equal(10m, (decimal)problem["available"]!);
        await AssertNothingWrittenAsync(entriesBefore);
        Assert.Equal(10m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(0m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", sender.WalletId));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", receiver.WalletId));
    }

    [Fact]
    public async Task A_frozen_source_is_a_422_wallet_frozen_but_a_frozen_destination_still_receives()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 50m);
        await TopUpAsync(receiver.WalletId, 50m);
        // The freeze endpoint is not ours to call here; the status is what the debit rule reads.
        await Database.ScalarAsync<int>("UPDATE wallets SET status = 'Frozen' WHERE id = $1 RETURNING 1", sender.WalletId);
        var entriesBefore = await Database.CountAsync("ledger_entries");

        await AssertProblem(await Client(sender.ApiKey).SendAsync(Transfer(sender.WalletId, receiver.WalletId, 10m)),
            HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        await AssertNothingWrittenAsync(entriesBefore);
        Assert.Equal(50m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);

        // Credits still land on a frozen wallet, so money can always be paid in.
        var intoFrozen = await Client(receiver.ApiKey).SendAsync(Transfer(receiver.WalletId, sender.WalletId, 10m));
        await AssertStatus(intoFrozen, HttpStatusCode.Created);
        Assert.Equal(60m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(40m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
    }

    [Fact]
    public async Task An_invoice_wallet_may_send_down_to_minus_its_credit_limit_and_no_further()
    {
        var invoiced = await CreateCustomerAsync("Invoice", creditLimit: 500m, name: "Invoiced");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var client = Client(invoiced.ApiKey);

        await AssertStatus(await client.SendAsync(Transfer(invoiced.WalletId, receiver.WalletId, 500m, "On credit")), HttpStatusCode.Created);
        await AssertProblem(await client.SendAsync(Transfer(invoiced.WalletId, receiver.WalletId, 0.01m, "One cent more")),
            HttpStatusCode.UnprocessableEntity, "insufficient_funds");

        var wallet = await GetWalletAsync(invoiced.WalletId);
        Assert.Equal(-500m, (decimal)wallet["balance"]!);
        Assert.Equal(0m, (decimal)wallet["available"]!);
        Assert.Equal(500m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_transfer_over_the_per_transaction_maximum_is_a_422_amount_over_limit()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        var entriesBefore = await Database.CountAsync("ledger_entries");

        // Checked before the funds, so even an empty wallet hears about the limit.
        await AssertProblem(await Client(sender.ApiKey).SendAsync(Transfer(sender.WalletId, receiver.WalletId, 1_000_000.01m)),
            HttpStatusCode.UnprocessableEntity, "amount_over_limit");

        await AssertNothingWrittenAsync(entriesBefore);
    }

    [Fact]
    public async Task Transfers_out_count_towards_the_daily_debit_limit()
    {
        await using var limited = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Limits:DailyDebitLimit"] = "50" });
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 100m);
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sender.ApiKey);

        await AssertStatus(await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 40m)), HttpStatusCode.Created);
        await AssertProblem(await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 10.01m)),
            HttpStatusCode.UnprocessableEntity, "daily_limit_exceeded");
        await AssertStatus(await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 10m)), HttpStatusCode.Created);

        Assert.Equal(50m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(2L, await Database.CountAsync("transfers"));
    }

    [Fact]
    public async Task A_replayed_idempotency_key_returns_the_same_transfer_and_moves_money_once()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 100m);
        var client = Client(sender.ApiKey);

        var first = await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 40m, "Once only", "transfer-40"));
        var second = await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 40m, "Once only", "transfer-40"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(60m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(40m, (decimal)(await GetWalletAsync(receiver.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("transfers"));
        Assert.Equal(2L, await Database.CountAsync("ledger_entries", "reference_type = 'transfer'"));

        var reused = await client.SendAsync(Transfer(sender.WalletId, receiver.WalletId, 41m, "Once only", "transfer-40"));
        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(60m, (decimal)(await GetWalletAsync(sender.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("transfers"));
    }

    [Fact]
    public async Task An_admin_may_move_money_between_any_two_wallets()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 20m);

        var response = await AdminClient().SendAsync(Transfer(alice.WalletId, bob.WalletId, 5m, "Support move"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(15m, (decimal)(await ReadJson(response))["fromWalletBalance"]!);
        Assert.Equal(5m, (decimal)(await GetWalletAsync(bob.WalletId))["balance"]!);
        Assert.Equal(2L, await Database.CountAsync("ledger_entries", "reference_type = 'transfer' AND actor = 'admin:bootstrap'"));
        Assert.Equal(1, (int)(await ReadJson(await Client(bob.ApiKey).GetAsync(Url)))["totalCount"]!);
        Assert.Equal(1L, await Database.CountAsync("audit_log",
            "action = 'transfer.create' AND actor = 'admin:bootstrap' AND amount = 5.00 AND before LIKE '%\"fromBalance\":20%'"));
    }

    [Fact]
    public async Task A_customer_transfer_is_not_an_admin_action_and_is_not_audited()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 20m);

        await AssertStatus(await Client(alice.ApiKey).SendAsync(Transfer(alice.WalletId, bob.WalletId, 5m, "Own money")), HttpStatusCode.Created);

        Assert.Equal(0L, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task The_list_is_newest_first_paged_and_filtered_by_wallet()
    {
        var hub = await CreateCustomerAsync(name: "Hub");
        var left = await CreateCustomerAsync(name: "Left");
        var right = await CreateCustomerAsync(name: "Right");
        await TopUpAsync(hub.WalletId, 100m);
        var asHub = Client(hub.ApiKey);
        var ids = new List<string>();
        foreach (var (to, amount) in new[] { (left, 1m), (right, 2m), (left, 3m), (right, 4m), (left, 5m) })
        {
            var response = await asHub.SendAsync(Transfer(hub.WalletId, to.WalletId, amount));
            await AssertStatus(response, HttpStatusCode.Created);
            ids.Add((string)(await ReadJson(response))["id"]!);
        }
        await AssertStatus(await Client(right.ApiKey).SendAsync(Transfer(right.WalletId, left.WalletId, 1m)), HttpStatusCode.Created);

        var firstPage = await ReadJson(await asHub.GetAsync($"{Url}?page=1&pageSize=2"));
        Assert.Equal(5, (int)firstPage["totalCount"]!);
        Assert.Equal(1, (int)firstPage["page"]!);
        Assert.Equal(2, (int)firstPage["pageSize"]!);
        Assert.Equal(new[] { ids[4], ids[3] }, firstPage["items"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.All(firstPage["items"]!.AsArray(), i => Assert.False(i!.AsObject().ContainsKey("fromWalletBalance")));
        var lastPage = await ReadJson(await asHub.GetAsync($"{Url}?page=3&pageSize=2"));
        Assert.Equal(new[] { ids[0] }, lastPage["items"]!.AsArray().Select(i => (string)i!["id"]!));

        var toLeft = await ReadJson(await asHub.GetAsync($"{Url}?walletId={left.WalletId}"));
        Assert.Equal(new[] { ids[4], ids[2], ids[0] }, toLeft["items"]!.AsArray().Select(i => (string)i!["id"]!));

        // Left sees the three it received from the hub and the one from right; staff see all six.
        Assert.Equal(4, (int)(await ReadJson(await Client(left.ApiKey).GetAsync(Url)))["totalCount"]!);
        Assert.Equal(6, (int)(await ReadJson(await AdminClient().GetAsync(Url)))["totalCount"]!);

        await AssertProblem(await asHub.GetAsync($"{Url}?pageSize=101"), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await asHub.GetAsync($"{Url}?page=0"), HttpStatusCode.BadRequest, "validation_failed");
    }

    private async Task AssertRefusedBySchemaAsync(string sql, params object[] parameters)
    {
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ScalarAsync<long>(sql, parameters));
        // The triggers' own code, raised before any unique or primary key could object.
        Assert.Equal(Npgsql.PostgresErrorCodes.IntegrityConstraintViolation, refused.SqlState);
    }

    [Fact]
    public async Task The_schema_refuses_a_transfer_row_that_its_entries_do_not_describe_and_any_edit()
    {
        var sender = await CreateCustomerAsync(name: "Sender");
        var receiver = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(sender.WalletId, 100m);
        var response = await Client(sender.ApiKey).SendAsync(Transfer(sender.WalletId, receiver.WalletId, 10m));
        await AssertStatus(response, HttpStatusCode.Created);
        var transferId = Guid.Parse((string)(await ReadJson(response))["id"]!);

        const string copy = "INSERT INTO transfers (id, from_wallet_id, to_wallet_id, amount, currency, description, out_entry_id, in_entry_id, actor, created_at) ";
        // Entries that reference another transfer.
        await AssertRefusedBySchemaAsync(copy + "SELECT $1, from_wallet_id, to_wallet_id, amount, currency, description, out_entry_id, in_entry_id, actor, created_at " +
            "FROM transfers WHERE id = $2 RETURNING 1", Guid.NewGuid(), transferId);
        // Another amount than the entries moved.
        await AssertRefusedBySchemaAsync(copy + "SELECT id, from_wallet_id, to_wallet_id, amount + 1, currency, description, out_entry_id, in_entry_id, actor, created_at " +
            "FROM transfers WHERE id = $1 RETURNING 1", transferId);
        // The direction reversed.
        await AssertRefusedBySchemaAsync(copy + "SELECT id, to_wallet_id, from_wallet_id, amount, currency, description, in_entry_id, out_entry_id, actor, created_at " +
            "FROM transfers WHERE id = $1 RETURNING 1", transferId);
        await AssertRefusedBySchemaAsync("UPDATE transfers SET description = 'edited' WHERE id = $1 RETURNING 1", transferId);
        await AssertRefusedBySchemaAsync("DELETE FROM transfers WHERE id = $1 RETURNING 1", transferId);

        Assert.Equal(1L, await Database.CountAsync("transfers", "id = $1 AND amount = 10 AND description = 'Transfer'", transferId));
    }
}
