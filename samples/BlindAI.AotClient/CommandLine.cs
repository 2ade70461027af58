using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Protocol.Tensors;

/// <summary>The console's arguments, parsed by hand: no reflection-based parser, so nothing for the trimmer to lose.</summary>
internal sealed record CommandLine(
    string Host, int UntrustedPort, int AttestedPort, int ManagementPort, Measurement MrEnclave, string ModelPath,
    IReadOnlyList<Tensor> Inputs, string? SimulationRootPath)
{
    public const string Usage =
        "Usage: BlindAI.AotClient <host> <untrusted-port> <attested-port> <management-port> --mrenclave <64 hex> --model <file.onnx>\n" +
        "           [--input <name>=<d1>x<d2>...:<v1>,<v2>,...]... [--insecure-simulation-root <root.pem>]";

    public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        if (args.Length < 4 || !TryPort(args[1], out int untrusted) || !TryPort(args[2], out int attested) || !TryPort(args[3], out int management))
        {
            error = "Give the host and its three ports.";
            return false;
        }

        Measurement? mrEnclave = null;
        string? model = null, root = null;
        var inputs = new List<Tensor>();
        for (int i = 4; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                error = $"{args[i]} needs a value.";
                return false;
            }

            string value = args[i + 1];
            switch (args[i])
            {
                case "--mrenclave" when Measurement.TryParse(value, out Measurement parsed):
                    mrEnclave = parsed;
                    break;
                case "--model":
                    model = value;
                    break;
                case "--insecure-simulation-root":
                    root = value;
                    break;
                case "--input" when TryInput(value, out Tensor? input):
                    inputs.Add(input);
                    break;
                default:
                    error = $"'{args[i]} {value}' is not understood.";
                    return false;
            }
        }

        if (mrEnclave is null || model is null)
        {
            error = "--mrenclave and --model are required.";
            return false;
        }

        command = new CommandLine(args[0], untrusted, attested, management, mrEnclave.Value, model, inputs, root);
        error = null;
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    /// <summary>Parses <c>name=2x3:1,2,3,4,5,6</c> into a named float32 tensor.</summary>
    private static bool TryInput(string text, [NotNullWhen(true)] out Tensor? tensor)
    {
        tensor = null;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (equals <= 0 || colon < equals)
        {
            return false;
        }

        try
        {
            long[] shape = [.. text[(equals + 1)..colon].Split('x').Select(d => long.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture))];
            float[] values = [.. text[(colon + 1)..].Split(',').Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))];
            tensor = Tensor.Create<float>(values, shape, text[..equals]);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }
}
