namespace BlindAI.Attestation.Quotes;

/// <summary>The algorithm of the quote's attestation key (header field <c>att_key_type</c>).</summary>
internal enum AttestationKeyType : ushort
{
    /// <summary>ECDSA on P-256 with SHA-256: the only type the parser accepts.</summary>
    EcdsaP256 = 2,

    /// <summary>ECDSA on P-384 with SHA-384: defined by Intel, never issued; rejected.</summary>
    EcdsaP384 = 3,
}
