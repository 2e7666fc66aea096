using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// A commit that throws may have committed on the server. The command is then answered from what it already produced,
/// never run a second time; a commit that did not happen is re-run once, as any transient failure.
/// </summary>
public sealed class AmbiguousCommitTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly CommitFaults _faults = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<IInterceptor>(_faults).AddSingleton<IWriteBatchInterceptor>(_faults));

    [Theory]
    [InlineData(null)]
    [InlineData("after-commit-key")]
    public async Task A_commit_that_fails_after_the_server_committed_answers_201_and_debits_once(string? idempotencyKey)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _faults.Remaining = 1;

        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Lost answer" }, idempotencyKey));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        var payment = await ReadJson(response);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND amount = 25", Guid.Parse((string)payment["id"]!)));
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 75m, expectedEntries: 2);
    }

    [Fact]
    public async Task A_replay_after_a_commit_that_failed_after_committing_is_the_same_answer_and_no_new_debit()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        _faults.Remaining = 1;

        var first = await client.SendAsync(Post(url, new { amount = 25m, description = "Lost answer" }, "replayed-key"));
        var replay = await client.SendAsync(Post(url, new { amount = 25m, description = "Lost answer" }, "replayed-key"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 75m, expectedEntries: 2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("before-commit-key")]
    public async Task A_commit_that_fails_before_reaching_the_server_is_re_run_and_applied_once(string? idempotencyKey)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _faults.AfterCommit = false;
        _faults.Remaining = 1;

        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Never sent" }, idempotencyKey));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 75m, expectedEntries: 2);
    }

    [Fact]
    public async Task Any_error_from_a_commit_that_took_effect_is_answered_as_committed_not_as_a_500()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _faults.Fault = () => new InvalidOperationException("Injected non-database error after the commit.");
        _faults.Remaining = 1;

        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Odd error" }));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 75m, expectedEntries: 2);
    }

    [Fact]
    public async Task A_non_transient_error_before_the_commit_applies_nothing_and_is_not_re_run()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _faults.AfterCommit = false;
        _faults.Fault = () => new InvalidOperationException("Injected non-database error before the commit.");
        _faults.Remaining = 1;

        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Doomed" }));

        await AssertProblem(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.Equal(1, _faults.Fired);
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 100m, expectedEntries: 1);
    }

    [Fact]
    public async Task Parallel_payments_whose_commits_all_fail_after_committing_each_debit_exactly_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        using var client = Client(customer.ApiKey);
        _faults.Remaining = 10;

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 3m, description = $"Parallel {i}" }))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(10, _faults.Fired);
        var ids = await Task.WhenAll(responses.Select(async r => (string)(await ReadJson(r))["id"]!));
        Assert.Equal(10, ids.Distinct().Count());
        Assert.Equal(10L, await Database.CountAsync("payments", "method = 'Wallet'"));
        await AssertWalletReconciles(customer.WalletId, expectedBalance: 70m, expectedEntries: 11);
    }
}
