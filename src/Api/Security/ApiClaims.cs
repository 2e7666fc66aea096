using System.Text.Encodings.Web;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Security;

public static class ApiClaims
{
    public const string KeyId = "cw:key_id";
    public const string CustomerId = "cw:customer_id";
    public const string BootstrapKeyId = "bootstrap";
}
