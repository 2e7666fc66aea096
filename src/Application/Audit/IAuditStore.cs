using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Audit;

namespace CleanWallet.Application.Audit;

public interface IAuditStore
{
    /// <summary>Adds the entry to the current unit of work: it commits, or vanishes, with the action it describes.</summary>
    void Add(AuditEntry entry);
}
