namespace CleanWallet.Application.Common.Security;

public static class CallerContextExtensions
{
    /// <summary>Staff see everything; a customer sees only its own resources.</summary>
    public static bool CanAccess(this ICallerContext caller, Guid customerId) =>
        caller.Role == CallerRole.Admin || caller.Role == CallerRole.Ops || caller.CustomerId == customerId;
}
