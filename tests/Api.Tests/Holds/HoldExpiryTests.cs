using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Holds;

public sealed class HoldExpiryTests(TestDatabase database) : HoldsTestBase(database)
{
    [Fact]
    public async Task The_expiry_command_releases_only_active_holds_past_their_time_that_no_order_owns()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var due = await PlaceHoldAsync(customer, 10m, expiresInSeconds: 60);
        var dueToo = await PlaceHoldAsync(customer, 15m, expiresInSeconds: 30);
        var later = await PlaceHoldAsync(customer, 20m, expiresInSeconds: 3600);
        var voided = await PlaceHoldAsync(customer, 5m, expiresInSeconds: 10);
        await AssertStatus(await Void(voided, customer.ApiKey), HttpStatusCode.OK);
        var ordered = await PlaceHoldAsync(customer, 7m, expiresInSeconds: 10);
        var orderId = Guid.NewGuid();
        await Database.ScalarAsync<int>("""
            INSERT INTO orders (id, customer_id, wallet_id, amount, currency, description, status, fulfilment_deadline, created_at, updated_at)
            SELECT $1, customer_id, wallet_id, amount, currency, description, 'Fulfilling', created_at + interval '1 hour', created_at, updated_at
            FROM holds WHERE id = $2
            RETURNING 1
            """, orderId, ordered);
        await Database.ScalarAsync<int>("UPDATE holds SET order_id = $1 WHERE id = $2 RETURNING 1", orderId, ordered);
        var entriesBefore = await Database.CountAsync("ledger_entries");
        Clock.Advance(TimeSpan.FromSeconds(60));

        var report = await ExpireHoldsAsync();

        Assert.Equal(2, report.Found);
        Assert.Equal(2, report.Expired);
        Assert.Equal(0, report.Errors);
        Assert.Equal("Expired", (string?)(await GetHoldAsync(due))["status"]);
        Assert.Equal("Expired", (string?)(await GetHoldAsync(dueToo))["status"]);
        Assert.NotNull((await GetHoldAsync(due))["closedAt"]);
        Assert.Equal("Active", (string?)(await GetHoldAsync(later))["status"]);
        Assert.Equal("Voided", (string?)(await GetHoldAsync(voided))["status"]);
        Assert.Equal("Active", (string?)(await GetHoldAsync(ordered))["status"]);
        Assert.Equal((100m, 27m, 73m), await FundsAsync(customer.WalletId));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        await AssertBooksBalanceAsync(customer.WalletId);

        // Nothing is left to do: a second run changes nothing.
        Assert.Equal(new Application.Holds.Commands.ExpireHolds.HoldExpiryReport(0, 0, 0, 0), await ExpireHoldsAsync());
        // An expired hold cannot be captured or voided any more.
        await AssertProblem(await Capture(due, customer.ApiKey), HttpStatusCode.Conflict, "hold_expired");
        await AssertProblem(await Void(due, customer.ApiKey), HttpStatusCode.Conflict, "hold_expired");
    }

    [Fact]
    public async Task Expiry_works_through_many_batches()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        for (var i = 0; i < 7; i++)
            await PlaceHoldAsync(customer, 1m, expiresInSeconds: 10);
        Clock.Advance(TimeSpan.FromSeconds(10));

        var report = await ExpireHoldsAsync(batchSize: 2);

        Assert.Equal(7, report.Expired);
        Assert.Equal(0L, await Database.CountAsync("holds", "status = 'Active'"));
        Assert.Equal((100m, 0m, 100m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task One_hold_failing_to_expire_does_not_roll_back_the_others()
    {
        var broken = await CreateCustomerAsync(name: "Broken");
        var sound = await CreateCustomerAsync(name: "Sound");
        await TopUpAsync(broken.WalletId, 100m);
        await TopUpAsync(sound.WalletId, 100m);
        var failing = await PlaceHoldAsync(broken, 10m, expiresInSeconds: 10);
        var first = await PlaceHoldAsync(sound, 20m, expiresInSeconds: 20);
        var second = await PlaceHoldAsync(sound, 30m, expiresInSeconds: 30);
        // Fault: the broken wallet's running total says nothing is held, so releasing 10.00 would take it below zero
        // and the database refuses that hold's transaction.
        await Database.ScalarAsync<int>("UPDATE wallets SET held = 0 WHERE id = $1 RETURNING 1", broken.WalletId);
        Clock.Advance(TimeSpan.FromSeconds(30));

        var report = await ExpireHoldsAsync(batchSize: 1);

        Assert.Equal(3, report.Found);
        Assert.Equal(2, report.Expired);
        Assert.Equal(1, report.Errors);
        Assert.Equal("Active", (string?)(await GetHoldAsync(failing))["status"]);
        Assert.Equal("Expired", (string?)(await GetHoldAsync(first))["status"]);
        Assert.Equal("Expired", (string?)(await GetHoldAsync(second))["status"]);
        Assert.Equal((100m, 0m, 100m), await FundsAsync(sound.WalletId));
    }

    [Fact]
    public async Task A_capture_racing_expiry_is_either_a_capture_or_a_409_never_both()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 1000m);
        var holds = new List<Guid>();
        for (var i = 0; i < 12; i++)
            holds.Add(await PlaceHoldAsync(customer, 10m, expiresInSeconds: 60));
        // The clock reaches the holds' expiry time while captures and the expiry job run in parallel.
        Clock.Advance(TimeSpan.FromSeconds(59.99));
        var advance = Task.Run(async () =>
        {
            await Task.Delay(20);
            Clock.Advance(TimeSpan.FromSeconds(1));
        });

        var captures = holds.Select(id => Capture(id, customer.ApiKey)).ToList();
        var expiry = Task.Run(async () =>
        {
            await Task.Delay(25);
            return await ExpireHoldsAsync(batchSize: 3);
        });
        var responses = await Task.WhenAll(captures);
        await advance;
        var report = await expiry;
        var final = await ExpireHoldsAsync(); // whatever the raced run had not read yet

        var captured = 0;
        for (var i = 0; i < holds.Count; i++)
        {
            var status = (string?)(await GetHoldAsync(holds[i]))["status"];
            if (responses[i].StatusCode == HttpStatusCode.Created)
            {
                captured++;
                Assert.Equal("Captured", status);
                Assert.Equal(1L, await Database.CountAsync("payments", "hold_id = $1 AND status = 'Paid'", holds[i]));
            }
            else
            {
                await AssertProblem(responses[i], HttpStatusCode.Conflict, "hold_expired");
                Assert.Equal("Expired", status);
                Assert.Equal(0L, await Database.CountAsync("payments", "hold_id = $1", holds[i]));
            }
        }
        Assert.Equal(holds.Count - captured, report.Expired + final.Expired);
        Assert.Equal(0, report.Errors + final.Errors);
        Assert.Equal((1000m - 10m * captured, 0m, 1000m - 10m * captured), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }
}
