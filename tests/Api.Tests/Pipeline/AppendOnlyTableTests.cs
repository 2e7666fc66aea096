using CleanWallet.Api.Tests.Infrastructure;
using Npgsql;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>The schema itself refuses edits and deletes of the tables that explain money movements.</summary>
public sealed class AppendOnlyTableTests(TestDatabase database) : ApiTestBase(database)
{
    [Theory]
    [InlineData("UPDATE ledger_entries SET description = 'edited'")]
    [InlineData("DELETE FROM ledger_entries")]
    public async Task Ledger_entries_cannot_be_edited_or_deleted(string sql)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql));

        Assert.Contains("ledger_entries is append-only", refused.MessageText);
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "description = 'Card top-up'"));
    }

    [Theory]
    [InlineData("ledger_entries")]
    [InlineData("audit_log")]
    [InlineData("transfers")]
    [InlineData("refunds")]
    [InlineData("adjustments")]
    public async Task Every_movement_table_carries_the_append_only_guard(string table)
    {
        var triggers = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid " +
            "WHERE t.tgrelid = $1::regclass AND p.proname = 'forbid_row_change' AND NOT t.tgisinternal", table);
        Assert.Equal(1L, triggers);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
