using System.Linq.Expressions;
using CleanWallet.Domain.Customers;

namespace CleanWallet.Application.Customers;

public sealed record CustomerDto(Guid Id, string Name, string BillingModel, Guid? ParentCustomerId, string Status, DateTimeOffset CreatedAt)
{
    public static readonly Expression<Func<Customer, CustomerDto>> Projection = c => new CustomerDto(
        c.Id, c.Name, c.BillingModel.ToString(), c.ParentCustomerId, c.Status.ToString(), c.CreatedAt);
}
