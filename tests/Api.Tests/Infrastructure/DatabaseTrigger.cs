namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// A row trigger for one test (a fault injected into the database itself), dropped with its function when disposed, so
/// no other test meets it.
/// </summary>
public sealed class DatabaseTrigger : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string _name;
    private readonly string _table;

    private DatabaseTrigger(TestDatabase database, string name, string table)
    {
        _database = database;
        _name = name;
        _table = table;
    }

    /// <summary>A BEFORE <paramref name="operation"/> row trigger on <paramref name="table"/> running the PL/pgSQL <paramref name="body"/>.</summary>
    public static async Task<DatabaseTrigger> CreateAsync(TestDatabase database, string table, string operation, string body)
    {
        var name = $"test_fault_{Guid.NewGuid():N}";
        await database.ExecuteAsync($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$;
            CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
        return new DatabaseTrigger(database, name, table);
    }

    public async ValueTask DisposeAsync() =>
        await _database.ExecuteAsync($"DROP TRIGGER {_name} ON {_table}; DROP FUNCTION {_name}();");
}
