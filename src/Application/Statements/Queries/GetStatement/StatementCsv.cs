using System.Globalization;
using System.Text;

namespace CleanWallet.Application.Statements.Queries.GetStatement;

/// <summary>
/// The statement as CSV (RFC 4180): one row per ledger entry between an opening and a closing balance row, so a
/// spreadsheet can recompute closing = opening + credits − debits.
/// </summary>
public static class StatementCsv
{
    private const string Header = "row,sequence,created_at,type,direction,amount,balance_before,balance_after,reference_type,reference_id,description";

    public static string Write(StatementDto statement)
    {
        var csv = new StringBuilder();
        csv.Append(Header).Append("\r\n");
        Row(csv, "opening_balance", "", "", "", "", "", "", Money(statement.OpeningBalance), "", "", $"Opening balance {statement.Month} {statement.Currency}");
        foreach (var e in statement.Entries)
            Row(csv, "entry", e.Sequence.ToString(CultureInfo.InvariantCulture), e.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                e.Type, e.Direction, Money(e.Amount), Money(e.BalanceBefore), Money(e.BalanceAfter), e.ReferenceType,
                e.ReferenceId.ToString(), e.Description);
        Row(csv, "closing_balance", "", "", "", "", "", "", Money(statement.ClosingBalance), "", "", $"Closing balance {statement.Month} {statement.Currency}");
        return csv.ToString();
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder csv, params string[] cells)
    {
        csv.AppendJoin(',', cells.Select(Escape)).Append("\r\n");
    }

    /// <summary>Quotes fields that need it, and defuses leading =,+,-,@ so a spreadsheet never runs a description as a formula.</summary>
    private static string Escape(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
