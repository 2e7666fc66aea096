using System.Data.Common;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>Refuses the next <see cref="Remaining"/> connections as PostgreSQL does while it starts up (57P03).</summary>
internal sealed class StartingUpDatabase : DbConnectionInterceptor
{
    private int _remaining;

    public int Remaining
    {
        get => Volatile.Read(ref _remaining);
        set => Volatile.Write(ref _remaining, value);
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _remaining) >= 0)
            throw StartingUp();
        Interlocked.Increment(ref _remaining);
        return ValueTask.FromResult(result);
    }

    public static PostgresException StartingUp() =>
        new("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow);
}

public sealed class DatabaseStartingUpTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly StartingUpDatabase _startingUp = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<IInterceptor>(_startingUp));

    [Fact]
    public async Task A_command_rides_out_a_database_that_is_starting_up_and_applies_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        // The admin key is checked without the database, so the refusals all fall on the command's transaction.
        _startingUp.Remaining = 5;

        var response = await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 25m, description = "Starting up" }));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(0, _startingUp.Remaining);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(75m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_read_while_the_database_is_starting_up_is_a_503_database_unavailable_with_retry_after()
    {
        var customer = await CreateCustomerAsync();
        _startingUp.Remaining = 1;

        var response = await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}");

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "database_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        await AssertStatus(await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
    }
}

public sealed class DatabaseFailureClassificationTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    public void A_server_that_is_starting_shutting_down_or_full_is_unavailable_and_transient(string sqlState)
    {
        var error = new PostgresException("refused", "FATAL", "FATAL", sqlState);
        Assert.True(DatabaseFailures.IsUnavailable(error));
        Assert.True(DatabaseFailures.IsTransient(new InvalidOperationException("wrapped", error)));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    public void Contention_is_transient_but_not_unavailability(string sqlState)
    {
        var error = new PostgresException("contention", "ERROR", "ERROR", sqlState);
        Assert.True(DatabaseFailures.IsTransient(error));
        Assert.False(DatabaseFailures.IsUnavailable(error));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.CheckViolation)]
    [InlineData(PostgresErrorCodes.StringDataRightTruncation)]
    public void A_rule_the_data_breaks_is_neither(string sqlState)
    {
        var error = new PostgresException("broken rule", "ERROR", "ERROR", sqlState);
        Assert.False(DatabaseFailures.IsTransient(error));
        Assert.False(DatabaseFailures.IsUnavailable(error));
    }

    [Fact]
    public void A_lost_connection_is_unavailable_but_a_socket_error_outside_the_database_is_not()
    {
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("Exception while reading from stream", new IOException("reset"))));
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("Failed to connect",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
        Assert.False(DatabaseFailures.IsUnavailable(new HttpRequestException("gateway", new IOException("reset"))));
        Assert.False(DatabaseFailures.IsTransient(new HttpRequestException("gateway", new IOException("reset"))));
    }
}
