using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// The payments benchmark's third anchor (<c>bench/payments/own_payment.pgbench</c>) sends the API's own statements for
/// a payment with no API in between. The API writes every mapped column of each row (its statements come from EF Core's
/// model), so the anchor's statements must name exactly the model's columns: a column added to the model and not to the
/// anchor would make the anchor cheaper than the API and its ratio a flattering lie.
/// </summary>
public sealed partial class OwnStatementsAnchorTests(TestDatabase database) : ApiTestBase(database)
{
    private static readonly string Script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Bench", "own_payment.pgbench"));

    [Theory]
    [InlineData("ledger_entries")]
    [InlineData("payments")]
    [InlineData("idempotency_keys")]
    public void The_anchor_inserts_every_column_the_API_writes(string table)
    {
        var insert = Regex.Match(Script, $@"INSERT INTO {table} \(([^)]*)\)");
        Assert.True(insert.Success, $"own_payment.pgbench has no INSERT INTO {table}");

        Assert.Equal(MappedColumns(table), Columns(insert.Groups[1].Value));
    }

    [Fact]
    public void The_anchor_updates_every_column_of_the_wallet_but_its_key_and_wants_exactly_one_row()
    {
        var update = WalletUpdate().Match(Script);
        Assert.True(update.Success, "own_payment.pgbench has no wallet UPDATE refused unless it wrote one row");

        var set = Columns(Regex.Replace(update.Groups[1].Value, @"\s*=\s*[^,]+", ""));
        Assert.Equal(MappedColumns("wallets").Where(c => c != "id").Order(StringComparer.Ordinal), set);
    }

    [Fact]
    public void The_anchor_locks_the_wallet_and_looks_the_key_up_in_one_statement_and_commits_in_the_write_pipeline()
    {
        Assert.Matches(@"LEFT JOIN idempotency_keys k ON k\.owner = .* AND k\.key = ", Script);
        Assert.Matches(@"FOR UPDATE OF w \\gset", Script);
        var pipeline = Regex.Match(Script, @"\\startpipeline(.*)\\endpipeline", RegexOptions.Singleline);
        Assert.True(pipeline.Success);
        Assert.EndsWith("COMMIT;", pipeline.Groups[1].Value.Trim(), StringComparison.Ordinal);
    }

    private string[] MappedColumns(string table)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WalletDbContext>();
        var entity = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table && e.FindOwnership() is null);
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        return [.. entity.GetProperties().Select(p => p.GetColumnName(store)!).Order(StringComparer.Ordinal)];
    }

    private static string[] Columns(string list) =>
        [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"WITH written AS \(UPDATE wallets SET (.*?) WHERE id = [^)]* RETURNING 1\) SELECT expect_one_row\(count\(\*\), 'wallets'\) FROM written;")]
    private static partial Regex WalletUpdate();
}
