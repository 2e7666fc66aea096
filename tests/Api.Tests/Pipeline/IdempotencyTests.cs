using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Pipeline;

public sealed class IdempotencyTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_sequential_replay_returns_the_same_answer_and_moves_money_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        var body = new { amount = 40m, description = "Once only" };

        var first = await client.SendAsync(Post(url, body, "order-40"));
        var second = await client.SendAsync(Post(url, body, "order-40"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(60m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
    }

    [Fact]
    public async Task A_replay_is_answered_from_the_stored_response_even_when_running_it_again_would_be_refused()
    {
        // The claim travels with the wallet's lock, so a replay's handler runs before the taken key is known: here it would
        // refuse the payment (the first one spent the money). The stored answer wins, and nothing of the attempt is kept.
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        var body = new { amount = 80m, description = "Most of it" };

        var first = await client.SendAsync(Post(url, body, "spend-80"));
        var replay = await client.SendAsync(Post(url, body, "spend-80"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(20m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(2L, await Database.CountAsync("ledger_entries"));
    }

    [Fact]
    public async Task A_refused_request_leaves_no_claim_so_the_same_key_can_be_used_once_the_wallet_can_pay()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        var body = new { amount = 50m, description = "Too much for now" };

        var refused = await client.SendAsync(Post(url, body, "later-50"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key = 'later-50'"));
        await TopUpAsync(customer.WalletId, 100m);
        var paid = await client.SendAsync(Post(url, body, "later-50"));

        await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        await AssertStatus(paid, HttpStatusCode.Created);
        Assert.False(paid.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(60m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_replay_of_a_payment_to_a_missing_wallet_is_the_same_404_and_claims_nothing()
    {
        // The handler fails on the query that carried the claim's answer (no wallet): the claim rolls back with it.
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{Guid.NewGuid()}/payments";
        var body = new { amount = 5m, description = "Nowhere" };

        var first = await client.SendAsync(Post(url, body, "nowhere-5"));
        var second = await client.SendAsync(Post(url, body, "nowhere-5"));

        await AssertProblem(first, HttpStatusCode.NotFound, "not_found");
        await AssertProblem(second, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key = 'nowhere-5'"));
    }

    [Fact]
    public async Task Twenty_parallel_requests_with_one_key_have_one_effect_and_twenty_identical_answers()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        using var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.SendAsync(Post(url, new { amount = 7.5m, description = "Burst" }, "burst-key"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(19, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(92.5m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(2L, await Database.CountAsync("ledger_entries"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Two_requests_that_both_found_their_key_free_commit_once_and_the_later_is_answered_from_the_earlier(bool sameBody)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        using var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        await using var holder = await Database.HoldWalletRowLockAsync(customer.WalletId);

        // Both look the key up (free: nothing is claimed before a commit), then wait for the wallet's lock.
        var first = client.SendAsync(Post(url, new { amount = 10m, description = "Held" }, "held-key"));
        var second = client.SendAsync(Post(url, new { amount = 10m, description = sameBody ? "Held" : "Other" }, "held-key"));
        await Task.Delay(500);
        Assert.False(first.IsCompleted || second.IsCompleted, "the requests did not wait for the wallet");
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key = 'held-key'"));
        await holder.DisposeAsync();
        var responses = await Task.WhenAll(first, second);

        // The one that got the wallet second could pay too; its commit meets the key the first committed, and it runs
        // again: now the key is taken, so it gets the first's answer (or, with another body, a 422), never a second payment.
        var applied = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        var other = Assert.Single(responses, r => !ReferenceEquals(r, applied));
        if (sameBody)
        {
            await AssertStatus(other, HttpStatusCode.Created);
            Assert.Equal("true", other.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(await applied.Content.ReadAsStringAsync(), await other.Content.ReadAsStringAsync());
        }
        else
        {
            await AssertProblem(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        }
        Assert.Equal(90m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'held-key'"));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_422_and_changes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        await AssertStatus(await client.SendAsync(Post(url, new { amount = 10m, description = "First" }, "k-1")), HttpStatusCode.Created);

        var reused = await client.SendAsync(Post(url, new { amount = 11m, description = "First" }, "k-1"));

        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(90m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
    }

    [Fact]
    public async Task Keys_belong_to_their_caller_so_two_customers_may_use_the_same_key()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 10m);
        await TopUpAsync(bob.WalletId, 10m);

        await AssertStatus(await Client(alice.ApiKey).SendAsync(Post($"/api/v1/wallets/{alice.WalletId}/payments",
            new { amount = 1m, description = "Shared key" }, "same")), HttpStatusCode.Created);
        await AssertStatus(await Client(bob.ApiKey).SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/payments",
            new { amount = 1m, description = "Shared key" }, "same")), HttpStatusCode.Created);

        Assert.Equal(9m, (decimal)(await GetWalletAsync(alice.WalletId))["balance"]!);
        Assert.Equal(9m, (decimal)(await GetWalletAsync(bob.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_refused_request_is_not_remembered_so_a_retry_after_a_top_up_succeeds()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/payments";
        var body = new { amount = 5m, description = "Retry me" };

        await AssertProblem(await client.SendAsync(Post(url, body, "retry")), HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));
        await TopUpAsync(customer.WalletId, 5m);
        await AssertStatus(await client.SendAsync(Post(url, body, "retry")), HttpStatusCode.Created);
        Assert.Equal(0m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_declined_top_up_replays_its_decline_instead_of_charging_again()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        var url = $"/api/v1/wallets/{customer.WalletId}/top-ups";

        var first = await client.SendAsync(Post(url, new { amount = 5m, cardToken = "tok_declined" }, "decline"));
        var second = await client.SendAsync(Post(url, new { amount = 5m, cardToken = "tok_declined" }, "decline"));

        var firstProblem = await AssertProblem(first, HttpStatusCode.UnprocessableEntity, "card_declined");
        var secondProblem = await AssertProblem(second, HttpStatusCode.UnprocessableEntity, "card_declined");
        Assert.Equal((string?)firstProblem["paymentId"], (string?)secondProblem["paymentId"]);
        Assert.Equal(1L, await Database.CountAsync("payments"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tkey")]
    public async Task A_malformed_idempotency_key_is_a_400(string key)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/wallets/{customer.WalletId}/payments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { amount = 1m, description = "x" }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        var response = await Client(customer.ApiKey).SendAsync(request);

        await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_idempotency_key");
        Assert.Equal(10m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task An_idempotency_key_over_255_characters_is_a_400()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/top-ups",
            new { amount = 1m, cardToken = "tok_visa" }, new string('k', 256)));
        await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_idempotency_key");
        Assert.Equal(0L, await Database.CountAsync("payments"));
    }
}
