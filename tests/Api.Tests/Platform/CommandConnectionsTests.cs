using CleanWallet.Infrastructure.Persistence;
using Npgsql;

namespace CleanWallet.Api.Tests.Platform;

/// <summary>The commands' connection pool: prepared statements and no session reset unless the connection string says otherwise.</summary>
public sealed class CommandConnectionsTests
{
    private static NpgsqlConnectionStringBuilder SettingsOf(string connectionString)
    {
        using var dataSource = CommandConnections.Build(connectionString);
        return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
    }

    [Fact]
    public void By_default_statements_are_prepared_and_sessions_are_not_reset()
    {
        var settings = SettingsOf("Host=localhost;Username=wallet");

        Assert.Equal(CommandConnections.DefaultMaxAutoPrepare, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=localhost;Max Auto Prepare=5;No Reset On Close=false")]
    [InlineData("Host=localhost;MaxAutoPrepare=5;NoResetOnClose=false")]
    [InlineData("Host=localhost;max auto prepare=5;noresetonclose=false")]
    public void An_explicit_setting_in_any_spelling_wins(string connectionString)
    {
        var settings = SettingsOf(connectionString);

        Assert.Equal(5, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
    }
}
