using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Simulation;

namespace BlindAI.HardwareEmulator;

/// <summary>
/// What makes a restarted emulator the same machine, kept in a folder outside the mount: the simulated platform
/// (<c>platform/</c>: PKI keys and certificates, so the same root and PCK), the secret sealing keys derive from
/// (<c>sealing-secret</c>), and the PCS look-alike's TLS certificate (<c>pcs-tls.*.pem</c>, so a pinned
/// <c>pcs-ca.pem</c> stays valid). Secrets are written owner read/write only.
/// </summary>
internal static class EmulatorState
{
    private const string PlatformFolder = "platform";
    private const string SealingSecretFile = "sealing-secret";
    private const string PcsCertificateFile = "pcs-tls.crt.pem";
    private const string PcsKeyFile = "pcs-tls.key.pem";
    private const int SealingSecretLength = 32;

    /// <summary>The subject of the look-alike's TLS certificate: it says what it is.</summary>
    public const string PcsCertificateSubject = "CN=BlindAI hardware emulator PCS look-alike - NOT Intel, O=BlindAI for .NET simulation";

    public static SimulatedTeePlatform LoadOrCreatePlatform(string stateDirectory, TimeProvider time) =>
        SimulatedTeePlatform.LoadOrCreate(Path.Combine(stateDirectory, PlatformFolder), timeProvider: time);

    public static byte[] LoadOrCreateSealingSecret(string stateDirectory)
    {
        string path = Path.Combine(stateDirectory, SealingSecretFile);
        if (File.Exists(path))
        {
            byte[] secret = File.ReadAllBytes(path);
            if (secret.Length != SealingSecretLength)
            {
                throw new InvalidDataException($"{path} holds {secret.Length} bytes, not {SealingSecretLength}: not an emulator state folder, or damaged.");
            }

            return secret;
        }

        byte[] created = RandomNumberGenerator.GetBytes(SealingSecretLength);
        WritePrivate(path, created);
        return created;
    }

    /// <summary>
    /// The look-alike's self-signed certificate (ECDSA P-256, for 127.0.0.1 and localhost), reused while it has more
    /// than a day left. It is its own CA (a client can name it as the only trusted root) and its own leaf (a client can
    /// pin its SHA-256), so <c>pcs-ca.pem</c> serves either way of trusting it.
    /// </summary>
    public static X509Certificate2 LoadOrCreatePcsCertificate(string stateDirectory, TimeProvider time)
    {
        string certificatePath = Path.Combine(stateDirectory, PcsCertificateFile);
        string keyPath = Path.Combine(stateDirectory, PcsKeyFile);
        DateTimeOffset now = time.GetUtcNow();
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            X509Certificate2 existing = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
            if (existing.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(1) && existing.NotBefore.ToUniversalTime() <= now.UtcDateTime)
            {
                return existing;
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(PcsCertificateSubject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        File.WriteAllText(certificatePath, created.ExportCertificatePem() + "\n");
        WritePrivate(keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        return X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
    }

    private static void WritePrivate(string path, byte[] content)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
