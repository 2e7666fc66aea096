using System.Security.Cryptography;
using System.Text;

namespace CleanWallet.Application.ApiKeys;

/// <summary>Makes and hashes API keys. Keys carry 256 random bits, so a plain SHA-256 is a safe way to store them.</summary>
public static class ApiKeyGenerator
{
    private const string KeyPrefix = "cw_";

    public static (string Key, string Hash, string Prefix) NewKey()
    {
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (key, Hash(key), key[..10]);
    }

    public static string Hash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
