using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>How the dashboard writes times, durations, amounts and job summaries. Times are UTC, ISO 8601.</summary>
public static class OpsFormat
{
    private static readonly Dictionary<string, string> KnownLabels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["vmsBilled"] = "VMs billed",
        ["hoursBilled"] = "hours billed",
        ["amountBilled"] = "amount",
        ["amount"] = "amount",
        ["vmsSuspended"] = "VMs suspended",
        ["walletsChecked"] = "wallets checked",
        ["entriesChecked"] = "entries checked",
        ["paymentsChecked"] = "payments checked",
        ["issueCount"] = "issues found",
        ["issuesFound"] = "issues found",
    };

    public static string Time(DateTimeOffset? value) =>
        value is { } time ? time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    public static string Duration(long? milliseconds)
    {
        if (milliseconds is not { } ms)
            return "—";
        if (ms < 1000)
            return $"{ms} ms";
        var span = TimeSpan.FromMilliseconds(ms);
        if (span.TotalMinutes < 1)
            return span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        if (span.TotalHours < 1)
            return $"{span.Minutes} min {span.Seconds:00} s";
        return $"{(int)span.TotalHours} h {span.Minutes:00} min";
    }

    public static string Amount(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A job's JSON summary as label/value pairs: the top-level members, nested values as compact JSON.</summary>
    public static IReadOnlyList<(string Label, string Value)> Summary(JsonElement? summary)
    {
        if (summary is not { } element)
            return [];
        if (element.ValueKind != JsonValueKind.Object)
            return [("result", element.GetRawText())];
        return element.EnumerateObject().Select(property => (Label(property.Name), Value(property.Name, property.Value))).ToList();
    }

    /// <summary>camelCase member names as words ("vmsSuspended" → "VMs suspended").</summary>
    public static string Label(string name)
    {
        if (KnownLabels.TryGetValue(name, out var known))
            return known;
        var words = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
                words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    private static string Value(string name, JsonElement value) => value.ValueKind switch
    {
        // Money always shows its two decimals, even when the job reported a whole number.
        JsonValueKind.Number when name.Contains("amount", StringComparison.OrdinalIgnoreCase) && value.TryGetDecimal(out var money) =>
            Amount(money),
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number when value.TryGetInt64(out var whole) => Count(whole),
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number.ToString("#,##0.00##", CultureInfo.InvariantCulture),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null => "—",
        _ => value.GetRawText(),
    };

    public static string StatusClass(string status) => status.ToLowerInvariant() switch
    {
        "succeeded" => "ok",
        "failed" => "bad",
        "running" => "busy",
        _ => "neutral",
    };
}
