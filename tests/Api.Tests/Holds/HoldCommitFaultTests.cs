using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Holds;

/// <summary>Hold commands whose commit fails (after or before it reached the server) are applied once, never twice.</summary>
public sealed class HoldCommitFaultTests(TestDatabase database) : HoldsTestBase(database)
{
    private readonly CommitFaults _faults = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IInterceptor>(_faults);
            services.AddSingleton<IWriteBatchInterceptor>(_faults);
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_hold_whose_commit_fails_is_placed_once(bool afterCommit)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _faults.AfterCommit = afterCommit;
        _faults.Remaining = 1;

        var response = await PlaceHold(customer, 30m, key: "place-fault");

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        Assert.Equal(1L, await Database.CountAsync("holds"));
        Assert.Equal((100m, 30m, 70m), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_capture_whose_commit_fails_captures_once_and_its_replay_is_the_same_answer(bool afterCommit)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 30m);
        _faults.AfterCommit = afterCommit;
        _faults.Remaining = 1;

        var first = await Capture(holdId, customer.ApiKey, 20m, key: "capture-fault");
        var replay = await Capture(holdId, customer.ApiKey, 20m, key: "capture-fault");

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(1L, await Database.CountAsync("payments", "hold_id = $1", holdId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal((80m, 0m, 80m), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task A_void_whose_commit_fails_after_committing_is_answered_as_voided()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 30m);
        _faults.Remaining = 1;

        var response = await Void(holdId, customer.ApiKey);

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal(1, _faults.Fired);
        Assert.Equal("Voided", (string?)(await ReadJson(response))["status"]);
        Assert.Equal((100m, 0m, 100m), await FundsAsync(customer.WalletId));
    }

    [Fact]
    public async Task An_expiry_whose_commit_fails_before_reaching_the_server_is_re_run_and_releases_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await PlaceHoldAsync(customer, 30m, expiresInSeconds: 10);
        await PlaceHoldAsync(customer, 20m, expiresInSeconds: 10);
        Clock.Advance(TimeSpan.FromSeconds(10));
        _faults.AfterCommit = false;
        _faults.Remaining = 1;

        var report = await ExpireHoldsAsync();

        Assert.Equal(1, _faults.Fired);
        Assert.Equal(2, report.Expired);
        Assert.Equal(0, report.Errors);
        Assert.Equal((100m, 0m, 100m), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }
}
