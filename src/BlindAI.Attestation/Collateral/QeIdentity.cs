using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Intel's enclave identity (version 2) of a quoting enclave (QE, TD_QE) or of the QVE: the expected signer, product,
/// masked MISCSELECT and attributes, and the TCB levels by ISVSVN. Keeps the exact bytes of the signed
/// <c>enclaveIdentity</c> object in <see cref="RawJson"/> for signature verification.
/// </summary>
internal sealed class QeIdentity
{
    private QeIdentity()
    {
    }

    /// <summary>Which enclave this identity describes (<c>id</c>).</summary>
    public EnclaveIdentityId Id { get; private init; }

    /// <summary>The enclave identity format version (2).</summary>
    public int Version { get; private init; }

    /// <summary>When Intel issued this identity.</summary>
    public DateTimeOffset IssueDate { get; private init; }

    /// <summary>When Intel will issue the next identity; this one must not be used after it.</summary>
    public DateTimeOffset NextUpdate { get; private init; }

    /// <summary>The TCB evaluation data number.</summary>
    public int TcbEvaluationDataNumber { get; private init; }

    /// <summary>The expected MISCSELECT after masking (the JSON's 8 hex digits read as a number).</summary>
    public uint MiscSelect { get; private init; }

    /// <summary>The mask applied to the report's MISCSELECT before comparing.</summary>
    public uint MiscSelectMask { get; private init; }

    /// <summary>The expected ATTRIBUTES after masking (16 bytes, in report byte order).</summary>
    public ImmutableArray<byte> Attributes { get; private init; }

    /// <summary>The mask applied byte by byte to the report's ATTRIBUTES before comparing (16 bytes).</summary>
    public ImmutableArray<byte> AttributesMask { get; private init; }

    /// <summary>The expected MRSIGNER (32 bytes).</summary>
    public ImmutableArray<byte> MrSigner { get; private init; }

    /// <summary>The expected ISVPRODID.</summary>
    public ushort IsvProdId { get; private init; }

    /// <summary>The TCB levels by ISVSVN, highest first.</summary>
    public ImmutableArray<EnclaveTcbLevel> TcbLevels { get; private init; }

    /// <summary>The exact UTF-8 bytes of the signed <c>enclaveIdentity</c> JSON object, as received.</summary>
    public ReadOnlyMemory<byte> RawJson { get; private init; }

    /// <summary>
    /// The QE's TCB level: the first (highest) level whose ISVSVN the QE reaches, or <see langword="null"/> when it is
    /// below every level (its TCB is then not supported).
    /// </summary>
    /// <param name="isvSvn">The QE report's ISVSVN.</param>
    /// <returns>The level, or <see langword="null"/>.</returns>
    public EnclaveTcbLevel? FindTcbLevel(ushort isvSvn) => EnclaveTcbLevels.Find(TcbLevels, isvSvn);

    /// <summary>Parses the signed <c>enclaveIdentity</c> JSON object and keeps a copy of its exact bytes.</summary>
    /// <param name="utf8Json">The UTF-8 bytes of the <c>enclaveIdentity</c> object (not the PCS response around it).</param>
    /// <returns>The identity.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or a field is missing, unknown or out of range.</exception>
    public static QeIdentity Parse(ReadOnlySpan<byte> utf8Json)
    {
        var raw = utf8Json.ToArray();
        using var document = CollateralJson.Parse(raw, "QE Identity");
        try
        {
            return FromElement(document.RootElement, raw);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports strings with invalid escapes (lone surrogates) only when they are read.
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"QE Identity holds a string that is not valid text: {e.Message}", innerException: e);
        }
    }

    /// <summary>Parses the signed <c>enclaveIdentity</c> JSON object, without throwing.</summary>
    /// <param name="utf8Json">The UTF-8 bytes of the <c>enclaveIdentity</c> object.</param>
    /// <param name="identity">The identity, when the input is well formed.</param>
    /// <param name="error">The reason it is not, otherwise.</param>
    /// <returns><see langword="true"/> when the input is a well-formed identity.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out QeIdentity? identity, [NotNullWhen(false)] out AttestationFormatException? error)
    {
        try
        {
            identity = Parse(utf8Json);
            error = null;
            return true;
        }
        catch (AttestationFormatException e)
        {
            identity = null;
            error = e;
            return false;
        }
    }

    private static QeIdentity FromElement(JsonElement root, byte[] raw)
    {
        const string P = "enclaveIdentity";
        CollateralJson.Object(root, P);
        var version = CollateralJson.RequiredInt(root, "version", P, 0, int.MaxValue);
        if (version != 2)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.UnsupportedVersion, $"Enclave identity version {version} is not supported (2).");
        }

        var idText = CollateralJson.RequiredString(root, "id", P);
        var id = idText switch
        {
            "QE" => EnclaveIdentityId.Qe,
            "QVE" => EnclaveIdentityId.Qve,
            "TD_QE" => EnclaveIdentityId.TdQe,
            _ => throw CollateralJson.Invalid($"{P}.id", $"'{idText}' is not QE, QVE or TD_QE"),
        };

        return new QeIdentity
        {
            Id = id,
            Version = version,
            IssueDate = CollateralJson.RequiredDate(root, "issueDate", P),
            NextUpdate = CollateralJson.RequiredDate(root, "nextUpdate", P),
            TcbEvaluationDataNumber = CollateralJson.RequiredInt(root, "tcbEvaluationDataNumber", P, 0, int.MaxValue),
            MiscSelect = BinaryPrimitives.ReadUInt32BigEndian(CollateralJson.RequiredHex(root, "miscselect", P, 4).AsSpan()),
            MiscSelectMask = BinaryPrimitives.ReadUInt32BigEndian(CollateralJson.RequiredHex(root, "miscselectMask", P, 4).AsSpan()),
            Attributes = CollateralJson.RequiredHex(root, "attributes", P, 16),
            AttributesMask = CollateralJson.RequiredHex(root, "attributesMask", P, 16),
            MrSigner = CollateralJson.RequiredHex(root, "mrsigner", P, 32),
            IsvProdId = (ushort)CollateralJson.RequiredInt(root, "isvprodid", P, 0, ushort.MaxValue),
            TcbLevels = EnclaveTcbLevels.Parse(root, P),
            RawJson = raw,
        };
    }
}
