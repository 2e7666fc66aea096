using CleanWallet.Domain.Common;
using CleanWallet.Domain.Customers;

namespace CleanWallet.Domain.Tests.Customers;

public class CustomerTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    [Fact]
    public void Register_sets_all_fields_and_starts_active()
    {
        var parent = Guid.NewGuid();

        var customer = Customer.Register("Acme", BillingModel.Invoice, parent, Now);

        Assert.NotEqual(Guid.Empty, customer.Id);
        Assert.Equal("Acme", customer.Name);
        Assert.Equal(BillingModel.Invoice, customer.BillingModel);
        Assert.Equal(parent, customer.ParentCustomerId);
        Assert.Equal(CustomerStatus.Active, customer.Status);
        Assert.Equal(Now, customer.CreatedAt);
    }

    [Fact]
    public void Register_without_parent_has_no_parent()
    {
        var customer = Customer.Register("Acme", BillingModel.Payg, null, Now);

        Assert.Null(customer.ParentCustomerId);
        Assert.Equal(BillingModel.Payg, customer.BillingModel);
    }

    [Theory]
    [InlineData("  Acme  ", "Acme")]
    [InlineData("\tAcme Ltd\n", "Acme Ltd")]
    [InlineData("A", "A")]
    public void Register_trims_the_name(string input, string expected)
    {
        var customer = Customer.Register(input, BillingModel.Payg, null, Now);

        Assert.Equal(expected, customer.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Register_rejects_empty_name(string name)
    {
        var ex = Assert.Throws<DomainException>(() => Customer.Register(name, BillingModel.Payg, null, Now));

        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void Register_rejects_null_name()
    {
        var ex = Assert.Throws<DomainException>(() => Customer.Register(null!, BillingModel.Payg, null, Now));

        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void Register_accepts_name_of_exactly_200_characters()
    {
        var name = new string('n', 200);

        var customer = Customer.Register(name, BillingModel.Payg, null, Now);

        Assert.Equal(200, customer.Name.Length);
    }

    [Fact]
    public void Register_rejects_name_of_201_characters()
    {
        var ex = Assert.Throws<DomainException>(() => Customer.Register(new string('n', 201), BillingModel.Payg, null, Now));

        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void Register_measures_length_after_trimming()
    {
        var name = "  " + new string('n', 200) + "  ";

        var customer = Customer.Register(name, BillingModel.Payg, null, Now);

        Assert.Equal(new string('n', 200), customer.Name);
    }

    [Fact]
    public void Register_gives_each_customer_a_distinct_id()
    {
        var a = Customer.Register("A", BillingModel.Payg, null, Now);
        var b = Customer.Register("B", BillingModel.Payg, null, Now);

        Assert.NotEqual(a.Id, b.Id);
    }
}
