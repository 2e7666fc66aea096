using System.Text.Json;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Audit;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Administration;

public sealed record AuditEntryDto(
    Guid Id,
    string Actor,
    string Action,
    string TargetType,
    Guid TargetId,
    decimal? Amount,
    string? Currency,
    string? Reason,
    JsonElement? Before,
    JsonElement? After,
    string? RequestId,
    bool FlaggedForReview,
    DateTimeOffset CreatedAt)
{
    /// <summary>The snapshots are stored as JSON text and answered as JSON objects, not as strings to parse again.</summary>
    public static AuditEntryDto From(AuditEntry e) => new(
        e.Id, e.Actor, e.Action, e.TargetType, e.TargetId, e.Amount, e.Currency, e.Reason, Parse(e.Before), Parse(e.After),
        e.RequestId, e.FlaggedForReview, e.CreatedAt);

    private static JsonElement? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);
}
