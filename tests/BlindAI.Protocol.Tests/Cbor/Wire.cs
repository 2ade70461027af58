using System.Text;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>
/// Builds expected byte vectors the way the wire spec writes them: hex fragments with CBOR headers written out by hand
/// and ASCII text spelled by <see cref="A"/>. Nothing here encodes CBOR, so expectations do not depend on the codec.
/// </summary>
internal static class Wire
{
    /// <summary>Joins hex fragments (spaces allowed) into bytes.</summary>
    public static byte[] H(params string[] hex) => Convert.FromHexString(string.Concat(hex).Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>The hex of an ASCII string (the payload of a text string whose header the caller writes).</summary>
    public static string A(string ascii) => Convert.ToHexString(Encoding.ASCII.GetBytes(ascii));

    /// <summary>The client_info map the tests use, as cbor2 writes it (8 keys, dataclass order).</summary>
    public static string ClientInfoHex =>
        "a8" +
        "63" + A("uid") + "60" +
        "6d" + A("platform_name") + "65" + A("Linux") +
        "6d" + A("platform_arch") + "66" + A("x86_64") +
        "70" + A("platform_version") + "62" + A("#1") +
        "70" + A("platform_release") + "63" + A("6.1") +
        "6a" + A("user_agent") + "6e" + A("blindai_python") +
        "72" + A("user_agent_version") + "65" + A("0.6.3") +
        "68" + A("is_colab") + "f4";

    public const string Uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    /// <summary>A SerializedTensor map with the Python client's key order.</summary>
    public static string TensorHex(string factHex, string datumHex, string nodeHex, string bytesHex) =>
        "a2" + "64" + A("info") + "a3" + "64" + A("fact") + factHex + "6a" + A("datum_type") + datumHex + "69" + A("node_name") + nodeHex
        + "6a" + A("bytes_data") + bytesHex;

    /// <summary>A valid positional float32 [[1.5, -2.0]] tensor (spec §3.7).</summary>
    public static string Float32TensorHex => TensorHex("820102", "00", "f6", "480000c03f000000c0");

    /// <summary>A RunModel body as the Python client writes it, with the given inputs array.</summary>
    public static byte[] RunModelBody(string inputsHex, string modelIdHex = "7824" + "<uuid>") => H(
        "a4",
        "68", A("model_id"), modelIdHex.Replace("<uuid>", A(Uuid), StringComparison.Ordinal),
        "6a", A("model_hash"), "60",
        "66", A("inputs"), inputsHex,
        "6b", A("client_info"), ClientInfoHex);

    public static Messages.ClientInfo PythonClientInfo { get; } =
        new(string.Empty, "Linux", "x86_64", "#1", "6.1", "blindai_python", "0.6.3", false);
}
