using System.Globalization;

namespace BlindAI.Attestation.Policy;

/// <summary>
/// An expected bit pattern under a mask: an actual value matches when <c>(actual &amp; Mask) == Value</c>.
/// Used for SGX attribute flags, XFRM and MISCSELECT, and TDX TD attributes and XFAM.
/// </summary>
public readonly record struct MaskedValue
{
    /// <summary>Creates a masked value.</summary>
    /// <param name="value">The expected bits; every bit must lie inside <paramref name="mask"/>, or nothing could ever match.</param>
    /// <param name="mask">The bits that are compared.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> has bits outside <paramref name="mask"/>.</exception>
    public MaskedValue(ulong value, ulong mask)
    {
        if ((value & ~mask) != 0)
        {
            throw new ArgumentException($"The expected value 0x{value:x} has bits outside the mask 0x{mask:x}, so no evidence could ever match.", nameof(value));
        }

        Value = value;
        Mask = mask;
    }

    /// <summary>The expected bits.</summary>
    public ulong Value { get; }

    /// <summary>The compared bits.</summary>
    public ulong Mask { get; }

    /// <summary>An exact match on every bit.</summary>
    /// <param name="value">The expected value.</param>
    /// <returns>The masked value.</returns>
    public static MaskedValue Exactly(ulong value) => new(value, ulong.MaxValue);

    /// <summary>Whether <paramref name="actual"/> matches.</summary>
    /// <param name="actual">The value from the evidence.</param>
    /// <returns><see langword="true"/> when <c>(actual &amp; Mask) == Value</c>.</returns>
    public bool Matches(ulong actual) => (actual & Mask) == Value;

    /// <summary>Hex text such as <c>0x5 under mask 0xfffffffffffffffd</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"0x{Value:x} under mask 0x{Mask:x}");
}
