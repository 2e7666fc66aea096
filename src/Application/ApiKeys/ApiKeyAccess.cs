using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.ApiKeys;

public static class ApiKeyAccess
{
    /// <summary>
    /// A customer's keys are managed by that customer or an admin; to anyone else they do not exist, and neither do
    /// the keys of an unknown customer (404). The staff scope (no customer) is guarded by the endpoints' admin policy.
    /// </summary>
    public static async Task EnsureManageableAsync(this IReadStore read, Guid? customerId, ICallerContext caller, CancellationToken ct)
    {
        if (customerId is not { } customer)
            return;
        var allowed = caller.Role == CallerRole.Admin || caller.CustomerId == customer;
        if (!allowed || await read.CountAsync(read.Customers.Where(c => c.Id == customer), ct) == 0)
            throw new NotFoundException("Customer", customer);
    }
}
