namespace CleanWallet.Domain.Common;

/// <summary>How the API should treat a refused operation.</summary>
public enum DomainErrorKind
{
    /// <summary>A business rule says no (insufficient funds, frozen wallet): 422.</summary>
    RuleViolation,
    /// <summary>The resource is in a state that does not allow this (paying an already paid record): 409.</summary>
    Conflict,
    /// <summary>The resource does not exist, or the caller may not see it: 404.</summary>
    NotFound,
}

/// <summary>
/// An operation refused by a domain rule. Carries a stable machine-readable <see cref="Code"/>
/// that the API returns unchanged, so clients can rely on it.
/// </summary>
public class DomainException : Exception
{
    public DomainException(string code, string message, DomainErrorKind kind = DomainErrorKind.RuleViolation,
        IReadOnlyDictionary<string, object?>? details = null)
        : base(message)
    {
        Code = code;
        Kind = kind;
        Details = details ?? new Dictionary<string, object?>();
    }

    public string Code { get; }
    public DomainErrorKind Kind { get; }
    public IReadOnlyDictionary<string, object?> Details { get; }
}
