namespace CleanWallet.Domain.Audit;

/// <summary>
/// One administrative action, kept forever: who did what to which target, with the amounts and the state before
/// and after, so every manual movement of money can be explained later.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
        Actor = string.Empty;
        Action = string.Empty;
        TargetType = string.Empty;
    }

    public Guid Id { get; private set; }
    public string Actor { get; private set; }
    public string Action { get; private set; }
    public string TargetType { get; private set; }
    public Guid TargetId { get; private set; }
    public decimal? Amount { get; private set; }
    public string? Currency { get; private set; }
    public string? Reason { get; private set; }
    /// <summary>JSON snapshot of the target before the action.</summary>
    public string? Before { get; private set; }
    /// <summary>JSON snapshot of the target after the action.</summary>
    public string? After { get; private set; }
    public string? RequestId { get; private set; }
    /// <summary>Set when the amount is at or above the review threshold, for a second pair of eyes.</summary>
    public bool FlaggedForReview { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static AuditEntry Record(string actor, string action, string targetType, Guid targetId, decimal? amount, string? currency,
        string? reason, string? before, string? after, string? requestId, bool flaggedForReview, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(actor) || string.IsNullOrWhiteSpace(action) || string.IsNullOrWhiteSpace(targetType))
            throw new ArgumentException("An audit entry needs an actor, an action and a target type.");

        return new AuditEntry
        {
            Id = Guid.CreateVersion7(now),
            Actor = actor,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Amount = amount,
            Currency = currency,
            Reason = reason,
            Before = before,
            After = after,
            RequestId = requestId,
            FlaggedForReview = flaggedForReview,
            CreatedAt = now,
        };
    }
}
