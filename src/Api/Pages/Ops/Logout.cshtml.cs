using CleanWallet.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>Ends the dashboard session (POST with the antiforgery token only: a link cannot log anyone out).</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect(OpsCookie.BasePath);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(OpsCookie.SchemeName);
        return Redirect(OpsCookie.LoginPath);
    }
}
