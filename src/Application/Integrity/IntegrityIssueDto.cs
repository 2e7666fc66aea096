namespace CleanWallet.Application.Integrity;

/// <summary>One broken rule found by an integrity check: on which wallet, which kind, and what exactly.</summary>
public sealed record IntegrityIssueDto(Guid WalletId, string Kind, string Detail);
