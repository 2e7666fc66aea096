using CleanWallet.Domain.Access;
using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Tests.Access;

public sealed class ApiKeyTests
{
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly DateTimeOffset Now = TestData.Now;

    private static ApiKey KeyOf(Guid customer, string name = "key") =>
        ApiKey.ForCustomer(customer, name, Guid.NewGuid().ToString("N"), "cw_" + name, Now);

    [Fact]
    public void A_customer_may_revoke_one_of_its_keys_while_another_stays_active()
    {
        var old = KeyOf(Customer, "old");
        var fresh = KeyOf(Customer, "new");

        old.RevokeByItsCustomer([old, fresh], Now.AddMinutes(1));

        Assert.False(old.IsActive);
        Assert.Equal(Now.AddMinutes(1), old.RevokedAt);
        Assert.True(fresh.IsActive);
    }

    [Fact]
    public void A_customer_cannot_revoke_its_last_active_key()
    {
        var last = KeyOf(Customer, "last");
        var revoked = KeyOf(Customer, "revoked");
        revoked.Revoke(Now);
        var someoneElses = KeyOf(Guid.NewGuid(), "other");

        var refused = Assert.Throws<DomainException>(() => last.RevokeByItsCustomer([last, revoked, someoneElses], Now));

        Assert.Equal(ErrorCodes.LastActiveKey, refused.Code);
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        Assert.True(last.IsActive);
    }

    [Fact]
    public void An_admin_may_revoke_a_customers_last_key()
    {
        var last = KeyOf(Customer);

        last.Revoke(Now);

        Assert.False(last.IsActive);
    }

    [Fact]
    public void Revoking_a_revoked_key_again_is_a_conflict_that_keeps_the_first_revocation_time()
    {
        var key = KeyOf(Customer, "a");
        var other = KeyOf(Customer, "b");
        key.Revoke(Now);

        var byCustomer = Assert.Throws<DomainException>(() => key.RevokeByItsCustomer([key, other], Now.AddHours(1)));
        var byAdmin = Assert.Throws<DomainException>(() => key.Revoke(Now.AddHours(1)));

        Assert.Equal(ErrorCodes.Conflict, byCustomer.Code);
        Assert.Equal(ErrorCodes.Conflict, byAdmin.Code);
        Assert.Equal(Now, key.RevokedAt);
    }

    [Fact]
    public void A_staff_key_is_never_revoked_as_a_customers_key()
    {
        var ops = ApiKey.ForStaff(ApiKeyRole.Ops, "ops", "hash", "cw_ops", Now);

        var refused = Assert.Throws<DomainException>(() => ops.RevokeByItsCustomer([ops, KeyOf(Customer)], Now));

        Assert.Equal(ErrorCodes.InvalidArgument, refused.Code);
        Assert.True(ops.IsActive);
    }
}
