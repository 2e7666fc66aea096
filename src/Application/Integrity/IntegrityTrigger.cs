namespace CleanWallet.Application.Integrity;

/// <summary>What started an integrity check; kept with its report.</summary>
public enum IntegrityTrigger
{
    Schedule,
    Api,
    Dashboard,
}
