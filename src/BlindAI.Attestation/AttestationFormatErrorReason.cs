namespace BlindAI.Attestation;

/// <summary>Why attestation input (a quote, a certificate, collateral) could not be read.</summary>
public enum AttestationFormatErrorReason
{
    /// <summary>The input ends before a structure it declares.</summary>
    Truncated = 1,

    /// <summary>A declared length or count is impossible or above a limit.</summary>
    InvalidLength,

    /// <summary>The quote version is not 3, 4 or 5.</summary>
    UnsupportedVersion,

    /// <summary>The attestation key type is not ECDSA-256-with-P-256.</summary>
    UnsupportedAttestationKeyType,

    /// <summary>The TEE type or body type is not SGX or TDX.</summary>
    UnsupportedTeeType,

    /// <summary>The QE vendor id is not Intel's.</summary>
    UnknownQeVendor,

    /// <summary>The certification data type is not supported (5, or 6 wrapping 5).</summary>
    UnsupportedCertificationDataType,

    /// <summary>The certification data is malformed.</summary>
    InvalidCertificationData,

    /// <summary>A PEM block is malformed.</summary>
    InvalidPem,

    /// <summary>An X.509 certificate cannot be decoded.</summary>
    InvalidCertificate,

    /// <summary>A certificate extension (SGX PCK extension, RA-TLS evidence) is malformed.</summary>
    InvalidExtension,

    /// <summary>A certificate revocation list cannot be decoded.</summary>
    InvalidCrl,

    /// <summary>A JSON document is malformed.</summary>
    InvalidJson,

    /// <summary>A required field is missing.</summary>
    MissingField,

    /// <summary>A field has a value of the wrong type or outside its range.</summary>
    InvalidField,

    /// <summary>Hexadecimal, base64 or another text encoding is malformed.</summary>
    InvalidEncoding,

    /// <summary>A signature is not a valid r||s pair or DER ECDSA signature.</summary>
    InvalidSignatureEncoding,

    /// <summary>CBOR evidence is malformed.</summary>
    InvalidCbor,
}
