namespace CleanWallet.Application.Common;

/// <summary>Implemented by list queries so one rule set validates every page request.</summary>
public interface IPagedQuery
{
    int Page { get; }
    int PageSize { get; }
}
