using System.Text.Encodings.Web;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;

namespace CleanWallet.Api.Security;

public static class Policies
{
    public const string Admin = "admin";
    /// <summary>Admin or operations staff: dashboards, jobs, integrity reports.</summary>
    public const string Staff = "staff";
    /// <summary>Whoever may move money: the owning customer or an admin, never an ops key.</summary>
    public const string MoneyMovers = "money-movers";
}
