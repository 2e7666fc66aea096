namespace CleanWallet.Application.Common.Security;

public enum CallerRole
{
    Customer,
    Ops,
    Admin,
}
