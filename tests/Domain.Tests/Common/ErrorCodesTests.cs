using System.Reflection;
using System.Text.RegularExpressions;
using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Tests.Common;

/// <summary>
/// The error-code catalogue is the one list clients build on: every code is a distinct snake_case name, documented with
/// its HTTP status in the catalogue, and the README's error-code table lists exactly those codes with the same status.
/// </summary>
public partial class ErrorCodesTests
{
    private static readonly IReadOnlyDictionary<string, string> Catalogue = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true, IsInitOnly: false } && f.FieldType == typeof(string))
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_code_is_a_distinct_snake_case_name()
    {
        Assert.NotEmpty(Catalogue);
        Assert.All(Catalogue.Values, code => Assert.Matches("^[a-z]+(_[a-z]+)*$", code));
        var repeated = Catalogue.GroupBy(c => c.Value).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(repeated);
    }

    [Fact]
    public void The_state_conflict_has_one_name_conflict()
    {
        Assert.Equal("conflict", ErrorCodes.Conflict);
        Assert.DoesNotContain("invalid_state", Catalogue.Values);
    }

    [Fact]
    public void Every_code_is_documented_in_the_catalogue_with_its_http_status()
    {
        var documented = DocumentedStatuses();

        Assert.Equal(Catalogue.Values.Order(), documented.Keys.Order());
    }

    [Fact]
    public void The_readme_table_lists_exactly_the_catalogue_codes_with_their_status()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("### Error codes", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '### Error codes' section.");
        var end = readme.IndexOf("\n#", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        var rows = TableRow().Matches(section).Select(m => (Code: m.Groups["code"].Value, Status: m.Groups["status"].Value)).ToList();

        Assert.Equal(rows.Count, rows.Select(r => r.Code).Distinct().Count());
        Assert.Equal(Catalogue.Values.Order(), rows.Select(r => r.Code).Order());
        var documented = DocumentedStatuses();
        Assert.All(rows, row => Assert.Equal(documented[row.Code], row.Status));
    }

    /// <summary>Code → status, read from the catalogue's source: each constant's summary starts with its status ("409: …").</summary>
    private static Dictionary<string, string> DocumentedStatuses()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Domain", "Common", "ErrorCodes.cs"));
        return DocumentedConstant().Matches(source).ToDictionary(m => m.Groups["code"].Value,
            m => m.Groups["status"].Success ? m.Groups["status"].Value : "4xx");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CleanWallet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("CleanWallet.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""^\| `(?<code>[a-z_]+)` \| (?<status>\d{3}|4xx) \|""", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("""/// <summary>(?:(?<status>\d{3}): |Any other 4xx)[^\n]*</summary>\s*public const string \w+ = "(?<code>[a-z_]+)";""")]
    private static partial Regex DocumentedConstant();
}
