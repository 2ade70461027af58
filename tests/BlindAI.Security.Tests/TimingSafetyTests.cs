using System.Reflection;
using BlindAI.Attestation;
using BlindAI.Client;
using BlindAI.Inference;
using BlindAI.Protocol.Messages;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.Security.Tests.Support;

namespace BlindAI.Security.Tests;

/// <summary>
/// Comparisons of secrets and of values an attacker guesses at (management token, pinned SPKI hash, measurements, model
/// hashes, report data and nonces) must take the same time whatever the input. Timing is not measured (that would be
/// statistical and flaky): each code path's IL is read and must call <c>CryptographicOperations.FixedTimeEquals</c>
/// and no early-exit comparison (<c>SequenceEqual</c>, <c>string.Equals</c>, <c>==</c> on strings).
/// </summary>
[Trait("Category", "Security")]
public sealed class TimingSafetyTests
{
    private static readonly string[] EarlyExitComparisons =
    [
        "MemoryExtensions.SequenceEqual", "Enumerable.SequenceEqual", "String.Equals", "String.op_Equality", "String.op_Inequality",
        "String.CompareOrdinal", "String.Compare", "StringComparer.Equals",
    ];

    private static readonly Assembly ClientAssembly = typeof(BlindAIClient).Assembly;
    private static readonly Assembly HostAssembly = typeof(BlindAIServerOptions).Assembly;
    private static readonly Assembly InferenceAssembly = typeof(IInferenceEngine).Assembly;
    private static readonly Assembly AttestationAssembly = typeof(Measurement).Assembly;

    [Fact]
    public void Timing_safe_comparison_of_the_management_token()
    {
        MethodInfo check = Method(HostAssembly, "BlindAI.Server.Endpoints.ManagementAuthorizationFilter", "InvokeAsync");

        AssertFixedTime(check);
        // Both sides are SHA-256 digests, so the comparison time does not depend on the token's length either.
        Assert.Contains("SHA256.HashData", IlCalls.NamesOf(check));
    }

    [Fact]
    public void Timing_safe_comparison_of_the_pinned_SPKI_hash()
    {
        Type pins = ClientAssembly.GetType("BlindAI.Client.Connection.CertificatePins", throwOnError: true)!;
        MethodInfo contains = Method(ClientAssembly, pins.FullName!, "Contains");

        AssertFixedTime(contains);
        // The TLS callback reaches the pin check through Contains, with nothing else comparing the hash.
        MethodInfo validate = Method(ClientAssembly, pins.FullName!, "Validate");
        Assert.Contains(IlCalls.Of(validate), m => m == contains);
        AssertNoEarlyExit(validate);
    }

    [Fact]
    public void Timing_safe_comparison_of_measurements()
    {
        foreach (MethodInfo equals in typeof(Measurement).GetMethods().Where(m => m.Name == nameof(Measurement.Equals) && m.GetParameters()[0].ParameterType != typeof(object)))
        {
            AssertFixedTime(equals);
        }

        MethodInfo equality = typeof(Measurement).GetMethod("op_Equality")!;
        Assert.Contains(IlCalls.Of(equality), m => m.Name == nameof(Measurement.Equals) && m.DeclaringType == typeof(Measurement));
    }

    [Fact]
    public void Timing_safe_comparison_of_model_hashes()
    {
        AssertFixedTime(typeof(ModelHash).GetMethod(nameof(ModelHash.Equals), [typeof(ModelHash)])!);
    }

    [Fact]
    public void Timing_safe_lookup_of_a_model_by_hash()
    {
        // The engine's hash → model dictionary compares keys with a fixed-time comparer, not ordinal string equality.
        FieldInfo byHash = Type(InferenceAssembly, "BlindAI.Inference.OnnxInferenceEngine").GetField("_byHash", BindingFlags.NonPublic | BindingFlags.Instance)!;
        Type comparerType = Type(InferenceAssembly, "BlindAI.Inference.Runtime.FixedTimeStringComparer");
        ConstructorInfo constructor = Type(InferenceAssembly, "BlindAI.Inference.OnnxInferenceEngine").GetConstructors().Single();
        Assert.Contains(IlCalls.Of(constructor), m => m.DeclaringType == comparerType);
        Assert.Equal(typeof(string), byHash.FieldType.GetGenericArguments()[0]);

        MethodInfo equals = comparerType.GetMethod("Equals", [typeof(string), typeof(string)])!;
        AssertFixedTime(equals);
        var comparer = (IEqualityComparer<string>)comparerType.GetProperty("Instance")!.GetValue(null)!;
        string hash = new('a', 64);
        Assert.True(comparer.Equals(hash, new string('a', 64)));
        Assert.False(comparer.Equals(hash, "b" + new string('a', 63)));
        Assert.False(comparer.Equals(hash, new string('a', 63) + "b"));
        Assert.False(comparer.Equals(hash, new string('a', 63)));
    }

    [Fact]
    public void Timing_safe_comparison_of_report_data_and_nonces()
    {
        // The certificate binding (SHA-256 of the attested key in the quote's report data) and the freshness nonce.
        AssertFixedTime(Method(ClientAssembly, "BlindAI.Client.Attestation.EvidenceVerifier", "CheckLegacyBinding"));
        // The fresh-evidence contract is checked in one place, which the client calls.
        AssertFixedTime(Method(AttestationAssembly, "BlindAI.Attestation.RaTls.QuoteReportData", "EnsureFreshEvidence"));
        Assert.Contains("QuoteReportData.EnsureFreshEvidence", IlCalls.NamesOf(Method(ClientAssembly, "BlindAI.Client.Attestation.EvidenceVerifier", "CheckFreshBinding")));
        AssertFixedTime(Method(AttestationAssembly, "BlindAI.Attestation.RaTls.RaTlsCertificateReader", "ReadRawQuote"));
        AssertFixedTime(Method(AttestationAssembly, "BlindAI.Attestation.RaTls.RaTlsCertificateReader", "ReadDice"));
    }

    [Fact]
    public void Timing_safety_check_detects_an_early_exit_comparison()
    {
        // The check itself can fail: a comparison written the ordinary way is caught.
        MethodInfo ordinary = typeof(TimingSafetyTests).GetMethod(nameof(OrdinaryComparison), BindingFlags.NonPublic | BindingFlags.Static)!;

        Assert.Contains("MemoryExtensions.SequenceEqual", IlCalls.NamesOf(ordinary));
        Assert.Contains("String.op_Equality", IlCalls.NamesOf(ordinary));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertFixedTime(ordinary));
    }

    private static bool OrdinaryComparison(byte[] a, byte[] b, string c, string d) => a.AsSpan().SequenceEqual(b) && c == d;

    private static void AssertFixedTime(MethodBase method)
    {
        IReadOnlyList<string> calls = IlCalls.NamesOf(method);
        Assert.True(calls.Contains("CryptographicOperations.FixedTimeEquals"), $"{method.DeclaringType?.Name}.{method.Name} does not call CryptographicOperations.FixedTimeEquals; it calls: {string.Join(", ", calls)}");
        AssertNoEarlyExit(method);
    }

    private static void AssertNoEarlyExit(MethodBase method)
    {
        IReadOnlyList<string> calls = IlCalls.NamesOf(method);
        Assert.DoesNotContain(calls, c => EarlyExitComparisons.Contains(c));
    }

    private static Type Type(Assembly assembly, string name) => assembly.GetType(name, throwOnError: true)!;

    private static MethodInfo Method(Assembly assembly, string type, string name) =>
        Type(assembly, type).GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Single(m => m.Name == name);
}
