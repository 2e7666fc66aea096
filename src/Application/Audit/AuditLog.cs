using System.Text.Json;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Audit;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Audit;

/// <summary>Writes audit entries for admin actions, filling in who, when and from which request.</summary>
public sealed class AuditLog(IAuditStore store, ICallerContext caller, IOptions<LimitOptions> limits, TimeProvider clock)
{
    private static readonly JsonSerializerOptions SnapshotOptions = new(JsonSerializerDefaults.Web);

    public AuditEntry Record(AuditRecord record)
    {
        var flagged = record.Amount is { } amount && amount >= limits.Value.ReviewThreshold;
        var entry = AuditEntry.Record(caller.Actor, record.Action, record.TargetType, record.TargetId, record.Amount, record.Currency,
            record.Reason, Snapshot(record.Before), Snapshot(record.After), caller.RequestId, flagged, clock.StorableNow());
        store.Add(entry);
        return entry;
    }

    private static string? Snapshot(object? state) =>
        state is null ? null : JsonSerializer.Serialize(state, state.GetType(), SnapshotOptions);
}
