using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// A command that runs into other requests (a deadlock, a lock timeout, a serialization failure, a guarded write that
/// found its row changed) is rolled back and run again; if the contention outlasts the retries, the client is told to
/// retry (409 <c>concurrent_update</c> with <c>Retry-After</c>), never a 500, and nothing of it is kept. The faults are
/// raised by the database itself, from a trigger on the payment's row, inside the command's own write batch.
/// </summary>
public sealed class ContentionTests(TestDatabase database) : ApiTestBase(database)
{
    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(DatabaseFailures.GuardMiss)]
    public async Task Contention_that_outlasts_the_retries_is_a_409_concurrent_update_with_Retry_After_and_keeps_nothing(string sqlState)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var pay = () => Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Contended" }, "contended-key");

        await using (await DatabaseTrigger.CreateAsync(Database, "payments", "INSERT", $"""
            IF NEW.description = 'Contended' THEN RAISE EXCEPTION 'injected contention' USING ERRCODE = '{sqlState}'; END IF;
            RETURN NEW;
            """))
        {
            var response = await Client(customer.ApiKey).SendAsync(pay());

            var problem = await AssertProblem(response, HttpStatusCode.Conflict, "concurrent_update");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.False(string.IsNullOrEmpty((string?)problem["requestId"]));
            Assert.DoesNotContain("injected", problem.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "key = 'contended-key'"));
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        // Told to retry, the client retries with the same key once the contention is gone: applied once.
        await AssertStatus(await Client(customer.ApiKey).SendAsync(pay()), HttpStatusCode.Created);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(pay()), HttpStatusCode.Created);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(75m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_guarded_write_that_misses_once_is_run_again_and_the_payment_is_applied_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var sequence = $"test_fail_once_{Guid.NewGuid():N}";
        // A sequence is not rolled back with the transaction: only the first attempt meets the fault.
        await Database.ExecuteAsync($"CREATE SEQUENCE {sequence}");
        try
        {
            await using (await DatabaseTrigger.CreateAsync(Database, "payments", "INSERT", $"""
                IF nextval('{sequence}') = 1 THEN RAISE EXCEPTION 'injected guard miss' USING ERRCODE = '{DatabaseFailures.GuardMiss}'; END IF;
                RETURN NEW;
                """))
            {
                var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
                    new { amount = 25m, description = "Missed once" }, "missed-once-key"));
                await AssertStatus(response, HttpStatusCode.Created);
            }
            Assert.Equal(2L, await Database.ScalarAsync<long>($"SELECT last_value FROM {sequence}"));
        }
        finally
        {
            await Database.ExecuteAsync($"DROP SEQUENCE {sequence}");
        }

        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(75m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public void What_counts_as_contention_is_the_database_refusing_because_of_other_work_and_nothing_else()
    {
        static PostgresException Pg(string sqlState, string? constraint = null) =>
            new("injected", "ERROR", "ERROR", sqlState, constraintName: constraint);

        Assert.True(DatabaseFailures.IsContention(Pg(PostgresErrorCodes.DeadlockDetected)));
        Assert.True(DatabaseFailures.IsContention(new DbUpdateException("wrapped", Pg(DatabaseFailures.GuardMiss))));
        Assert.True(DatabaseFailures.IsContention(Pg(PostgresErrorCodes.UniqueViolation, DatabaseFailures.IdempotencyKeyIndex)));
        Assert.True(DatabaseFailures.IsContention(new DbUpdateConcurrencyException("row changed", new List<IUpdateEntry>())));

        Assert.False(DatabaseFailures.IsContention(Pg(PostgresErrorCodes.UniqueViolation, "wallets_customer_id_currency_key")));
        Assert.False(DatabaseFailures.IsContention(Pg(PostgresErrorCodes.CheckViolation)));
        Assert.False(DatabaseFailures.IsContention(Pg(PostgresErrorCodes.RaiseException)));
        Assert.False(DatabaseFailures.IsContention(new InvalidOperationException("a bug")));
    }
}
