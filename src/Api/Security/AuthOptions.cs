using System.Text.Encodings.Web;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;

namespace CleanWallet.Api.Security;

public sealed class AuthOptions
{
    /// <summary>An admin key taken from configuration, so a fresh installation can create its first customers.</summary>
    public string? BootstrapAdminKey { get; set; }
}
