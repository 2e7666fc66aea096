using System.Text.Json;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Audit;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Administration;

/// <summary>An adjustment as the API shows it; <see cref="WalletBalance"/> is the wallet's balance right after it.</summary>
public sealed record AdjustmentDto(
    Guid Id,
    Guid WalletId,
    string Direction,
    decimal Amount,
    string Currency,
    string Reason,
    Guid LedgerEntryId,
    decimal WalletBalance,
    DateTimeOffset CreatedAt);

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

/// <summary>What the audit log keeps of a wallet before and after an admin action.</summary>
public sealed record WalletAuditSnapshot(decimal Balance, string Status)
{
    public static WalletAuditSnapshot Of(Wallet wallet) => new(wallet.Balance, wallet.Status.ToString());
}

public static class AdministrationAudit
{
    /// <summary>The audit log's reason column holds this many characters.</summary>
    public const int MaxReasonLength = 500;

    public const string WalletTarget = "wallet";
    public const string Freeze = "wallet.freeze";
    public const string Unfreeze = "wallet.unfreeze";
    public const string Open = "wallet.open";

    public static string AdjustmentAction(LedgerDirection direction) =>
        $"wallet.adjustment.{direction.ToString().ToLowerInvariant()}";
}

internal static class WalletDtos
{
    // The very mapping the wallet queries use, so an admin action answers what GET /wallets/{id} would show.
    private static readonly Func<Wallet, WalletDto> Map = WalletDto.Projection.Compile();

    public static WalletDto From(Wallet wallet) => Map(wallet);
}
