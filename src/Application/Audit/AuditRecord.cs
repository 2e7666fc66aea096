using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.Audit;

/// <summary>What an admin action reports about itself.</summary>
public sealed record AuditRecord(string Action, string TargetType, Guid TargetId, decimal? Amount = null, string? Currency = null,
    string? Reason = null, object? Before = null, object? After = null);
