using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Common.Behaviours;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// Commands on one wallet wait their turn in the API's memory (<see cref="WalletQueues"/>) before their transaction, so a
/// busy wallet's row lock in PostgreSQL sees one of them at a time from each process.
/// </summary>
public sealed class WalletQueueTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task Parallel_payments_from_one_wallet_queue_in_the_api_and_one_at_a_time_waits_at_its_row_lock()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        using var client = Client(customer.ApiKey);
        await using var holder = await Database.HoldWalletRowLockAsync(customer.WalletId);

        var payments = Enumerable.Range(0, 10).Select(i => client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 2m, description = $"Queued {i}" }, $"queued-{i}"))).ToArray();
        await Task.Delay(1000);

        Assert.DoesNotContain(payments, p => p.IsCompleted);
        Assert.Equal(1L, await WaitingForARowLockAsync());
        await holder.DisposeAsync();
        var responses = await Task.WhenAll(payments);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(80m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Payments_from_different_wallets_do_not_wait_for_each_other()
    {
        var busy = await CreateCustomerAsync(name: "Busy");
        var other = await CreateCustomerAsync(name: "Other");
        await TopUpAsync(busy.WalletId, 100m);
        await TopUpAsync(other.WalletId, 100m);
        await using var holder = await Database.HoldWalletRowLockAsync(busy.WalletId);
        var waiting = Client(busy.ApiKey).SendAsync(Post($"/api/v1/wallets/{busy.WalletId}/payments", new { amount = 1m, description = "Waits" }));

        var response = await Client(other.ApiKey).SendAsync(Post($"/api/v1/wallets/{other.WalletId}/payments",
            new { amount = 1m, description = "Goes" }));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.False(waiting.IsCompleted);
        await holder.DisposeAsync();
        await AssertStatus(await waiting, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Turns_are_given_in_arrival_order_and_a_cancelled_wait_gives_back_what_it_took()
    {
        var queues = new WalletQueues();
        // b's gate comes before a's, so a command on both takes b's turn first, then waits for a's.
        static uint Gate(Guid wallet) => (uint)wallet.GetHashCode() % WalletQueues.Gates;
        var a = Guid.NewGuid();
        while (Gate(a) == 0)
            a = Guid.NewGuid();
        var b = Guid.NewGuid();
        while (Gate(b) >= Gate(a))
            b = Guid.NewGuid();
        var first = await queues.EnterAsync([a], CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        // A transfer-like command waits for a (held) after taking b's turn; cancelled, it must give b back.
        var cancelled = queues.EnterAsync([a, b], cancel.Token).AsTask();
        var second = queues.EnterAsync([a], CancellationToken.None).AsTask();
        var third = queues.EnterAsync([a], CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        using (await queues.EnterAsync([b], CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)))
        {
            // b was given back by the cancelled wait.
        }
        Assert.False(second.IsCompleted);
        first.Dispose();
        var secondTurn = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(third.IsCompleted);
        secondTurn.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    private Task<long> WaitingForARowLockAsync() => Database.ScalarAsync<long>(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
}
