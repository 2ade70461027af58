using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlindAI.Enclave.Simulation;

public sealed partial class SimulatedTeePlatform
{
    /// <summary>The options file in a saved platform folder.</summary>
    public const string OptionsFileName = "platform.json";

    private static readonly string[] CertificateNames = ["root-ca", "pck-platform-ca", "tcb-signing", "pck"];
    private const string AttestationKeyName = "attestation";

    private static readonly JsonSerializerOptions OptionsJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(), new HexBytesJsonConverter() },
    };

    /// <summary>
    /// Saves the platform to <paramref name="directory"/>: <c>platform.json</c>, each certificate as
    /// <c>&lt;name&gt;.crt.pem</c> and each private key as PKCS#8 <c>&lt;name&gt;.key.pem</c> (owner read/write only).
    /// </summary>
    /// <param name="directory">The folder; created when missing.</param>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, OptionsFileName), JsonSerializer.Serialize(Options, OptionsJson));
        X509Certificate2[] certificates = [RootCertificate, PckPlatformCaCertificate, TcbSigningCertificate, PckCertificate];
        ECDsa[] keys = [_rootKey, _pckCaKey, _tcbSigningKey, _pckKey];
        for (int i = 0; i < certificates.Length; i++)
        {
            File.WriteAllText(Path.Combine(directory, CertificateNames[i] + ".crt.pem"), certificates[i].ExportCertificatePem() + "\n");
            WritePrivateFile(Path.Combine(directory, CertificateNames[i] + ".key.pem"), keys[i].ExportPkcs8PrivateKeyPem() + "\n");
        }

        WritePrivateFile(Path.Combine(directory, AttestationKeyName + ".key.pem"), _attestationKey.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>Loads a platform saved by <see cref="Save"/>, so a host and its clients share one simulated root across restarts.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="timeProvider">The clock for collateral dates; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The platform.</returns>
    /// <exception cref="InvalidDataException">A file is missing or malformed.</exception>
    public static SimulatedTeePlatform Load(string directory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var disposables = new List<IDisposable>();
        try
        {
            SimulatedPlatformOptions options = JsonSerializer.Deserialize<SimulatedPlatformOptions>(ReadRequired(directory, OptionsFileName), OptionsJson)
                ?? throw new InvalidDataException($"{OptionsFileName} in {directory} is empty.");
            ValidateOptions(options);
            ECDsa[] keys = [.. CertificateNames.Select(n => LoadKey(directory, n, disposables)), LoadKey(directory, AttestationKeyName, disposables)];
            X509Certificate2[] certificates = CertificateNames.Select(n =>
            {
                var certificate = X509Certificate2.CreateFromPem(ReadRequired(directory, n + ".crt.pem"));
                disposables.Add(certificate);
                return certificate;
            }).ToArray();
            for (int i = 0; i < certificates.Length; i++)
            {
                using ECDsa? publicKey = certificates[i].GetECDsaPublicKey();
                if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(keys[i].ExportSubjectPublicKeyInfo()))
                {
                    throw new InvalidDataException($"{CertificateNames[i]}.key.pem does not match {CertificateNames[i]}.crt.pem in {directory}.");
                }
            }

            var platform = new SimulatedTeePlatform(
                options,
                timeProvider ?? TimeProvider.System,
                (keys[0], keys[1], keys[2], keys[3], keys[4]),
                (certificates[0], certificates[1], certificates[2], certificates[3]));
            disposables.Clear();
            return platform;
        }
        catch (Exception e) when (e is JsonException or CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"The simulated platform in {directory} is malformed: {e.Message}", e);
        }
        finally
        {
            foreach (IDisposable disposable in disposables)
            {
                disposable.Dispose();
            }
        }
    }

    /// <summary>Loads the platform in <paramref name="directory"/>, or creates and saves one there when the folder holds none.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The platform.</returns>
    public static SimulatedTeePlatform LoadOrCreate(string directory, TimeProvider? timeProvider = null) =>
        LoadOrCreate(directory, new SimulatedPlatformOptions(), timeProvider);

    /// <summary>Loads the platform in <paramref name="directory"/>, or creates one from <paramref name="options"/> and saves it there.</summary>
    internal static SimulatedTeePlatform LoadOrCreate(string directory, SimulatedPlatformOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(Path.Combine(directory, OptionsFileName)))
        {
            return Load(directory, timeProvider);
        }

        SimulatedTeePlatform platform = Create(options, timeProvider);
        platform.Save(directory);
        return platform;
    }

    private static string ReadRequired(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidDataException($"The simulated platform file {path} is missing.");
    }

    private static ECDsa LoadKey(string directory, string name, List<IDisposable> disposables)
    {
        var key = ECDsa.Create();
        disposables.Add(key);
        key.ImportFromPem(ReadRequired(directory, name + ".key.pem"));
        return key;
    }

    private static void WritePrivateFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(content);
    }
}
