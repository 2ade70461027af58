using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlindAI.Attestation;
using BlindAI.Cli.Output;
using BlindAI.Client;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai model upload|run|delete</c>: model management and inference over an attested connection.</summary>
internal static partial class ModelCommand
{
    public static Command Create() => new("model", "Upload, run and delete models on an attested BlindAI server (the server is attested first; nothing is sent to a server that fails).")
    {
        CreateUpload(),
        CreateRun(),
        CreateDelete(),
    };

    private static Command CreateUpload()
    {
        var server = new AttestCommand.ServerInputs(IdentityUse.Send);
        var file = new Option<FileInfo>("--file") { Description = "The ONNX model file.", Required = true };
        var name = new Option<string>("--name") { Description = "The model's name on the server (default: the file name)." };
        var command = new Command("upload", "Upload an ONNX model; prints its id and SHA-256 as JSON.") { file, name };
        server.AddTo(command);
        SetAction(command, server, async (parse, client, output, cancellationToken) =>
        {
            FileInfo model = parse.GetRequiredValue(file);
            if (!model.Exists)
            {
                throw new CliInputException($"--file {model.FullName}: no such file.");
            }

            IProgress<UploadProgress>? progress = Console.IsErrorRedirected ? null : new Progress<UploadProgress>(ProgressBar);
            UploadedModel uploaded = await client.UploadModelAsync(ModelSource.FromFile(model.FullName), new UploadModelOptions { Name = parse.GetValue(name), Progress = progress }, cancellationToken).ConfigureAwait(false);
            if (progress is not null)
            {
                await Console.Error.WriteLineAsync().ConfigureAwait(false);
            }

            await JsonOutput.WriteAsync(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("modelId", uploaded.Id.ToString());
                json.WriteString("modelHash", uploaded.Hash.ToString());
                json.WriteString("name", uploaded.Name);
                json.WriteNumber("length", uploaded.Length);
                json.WriteEndObject();
            }).ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateRun()
    {
        var server = new AttestCommand.ServerInputs(IdentityUse.Send);
        var id = new Option<string>("--id") { Description = "The model id (from upload)." };
        var hash = new Option<string>("--hash") { Description = "The model's SHA-256 (hex), instead of --id." };
        var inputs = new Option<string[]>("--input") { Description = "An input tensor: NAME=FILE.npy (named) or FILE.npy (positional); repeat in model order.", AllowMultipleArgumentsPerToken = false };
        var inputsJson = new Option<FileInfo>("--inputs-json") { Description = "Input tensors as JSON: [{\"name\": \"x\", \"datumType\": \"F32\", \"shape\": [1, 3], \"data\": [1, 2, 3]}]." };
        var outputDir = new Option<DirectoryInfo>("--output-dir") { Description = "Write each output as <name>.npy in this folder instead of printing JSON." };
        var command = new Command("run", "Run a model; inputs from .npy files or JSON, outputs as JSON or .npy files.") { id, hash, inputs, inputsJson, outputDir };
        server.AddTo(command);
        SetAction(command, server, async (parse, client, output, cancellationToken) =>
        {
            List<Tensor> tensors = [];
            foreach (string spec in parse.GetValue(inputs) ?? [])
            {
                int eq = spec.IndexOf('=', StringComparison.Ordinal);
                string? tensorName = eq > 0 ? spec[..eq] : null;
                string path = eq > 0 ? spec[(eq + 1)..] : spec;
                tensors.Add(Npy.Read(await ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path).WithName(tensorName));
            }

            if (parse.GetValue(inputsJson) is { } jsonFile)
            {
                tensors.AddRange(TensorJson.Read(await ReadFileAsync(jsonFile.FullName, cancellationToken).ConfigureAwait(false)));
            }

            if (tensors.Count == 0)
            {
                throw new CliInputException("Give at least one --input or --inputs-json.");
            }

            IReadOnlyList<Tensor> outputs = (parse.GetValue(id), parse.GetValue(hash)) switch
            {
                ({ } i, null) => await client.RunModelAsync(ModelId.TryParse(i, out ModelId modelId) ? modelId : throw new CliInputException($"--id {i}: not a UUID."), tensors, cancellationToken).ConfigureAwait(false),
                (null, { } h) => await client.RunModelByHashAsync(ModelHash.TryParse(h, out ModelHash? modelHash) ? modelHash! : throw new CliInputException($"--hash {h}: not a 64-digit hex SHA-256."), tensors, cancellationToken).ConfigureAwait(false),
                _ => throw new CliInputException("Give exactly one of --id and --hash."),
            };
            if (parse.GetValue(outputDir) is { } directory)
            {
                directory.Create();
                for (int i = 0; i < outputs.Count; i++)
                {
                    string file = Path.Combine(directory.FullName, SafeFileName(outputs[i].Name ?? $"output_{i}") + ".npy");
                    await File.WriteAllBytesAsync(file, Npy.Write(outputs[i]), cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(file).ConfigureAwait(false);
                }
            }
            else
            {
                await JsonOutput.WriteAsync(output, json => TensorJson.Write(json, outputs)).ConfigureAwait(false);
            }

            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var server = new AttestCommand.ServerInputs(IdentityUse.Send);
        var id = new Option<string>("--id") { Description = "The model id.", Required = true };
        var command = new Command("delete", "Delete an uploaded model.") { id };
        server.AddTo(command);
        SetAction(command, server, async (parse, client, output, cancellationToken) =>
        {
            string text = parse.GetRequiredValue(id);
            ModelId modelId = ModelId.TryParse(text, out ModelId parsed) ? parsed : throw new CliInputException($"--id {text}: not a UUID.");
            await client.DeleteModelAsync(modelId, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"deleted {modelId}").ConfigureAwait(false);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>Attests, then runs the body; rejection → 1, refused request → 1 with the problem, bad input → 2.</summary>
    private static void SetAction(Command command, AttestCommand.ServerInputs server, Func<ParseResult, BlindAIClient, TextWriter, CancellationToken, Task<int>> body) =>
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            // The identity check (pinned, or --insecure-any-enclave) runs here, before any connection.
            (string host, BlindAIClientOptions options) = await server.GetAsync(parse, cancellationToken).ConfigureAwait(false);
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                await using BlindAIClient client = await AttestCommand.ServerInputs.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                return await body(parse, client, output, cancellationToken).ConfigureAwait(false);
            }
            catch (AttestationException ex)
            {
                await error.WriteLineAsync($"blindai: REJECTED {ex.Reason} at {ex.Step}: {ex.Message}").ConfigureAwait(false);
                return CliExitCode.Rejected;
            }
            catch (AttestationFormatException ex)
            {
                AttestationException failure = QuoteCommand.Malformed(ex);
                await error.WriteLineAsync($"blindai: REJECTED {failure.Reason} at {failure.Step}: {failure.Message}").ConfigureAwait(false);
                return CliExitCode.Rejected;
            }
            catch (BlindAIRequestException ex)
            {
                await error.WriteLineAsync($"blindai: {ex.Message}{(ex.ProblemCode is { } code ? $" [{code}]" : string.Empty)}").ConfigureAwait(false);
                return CliExitCode.Rejected;
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"cannot reach {host}: {ex.Message}");
            }
            catch (Exception ex) when (ex is TimeoutException or Protocol.ProtocolException or JsonException or ArgumentException)
            {
                throw new CliInputException(ex.Message);
            }
        });

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : throw new CliInputException($"{path}: no such file.");

    private static string SafeFileName(string name) => string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '/' ? '_' : c));

    private static void ProgressBar(UploadProgress progress)
    {
        const int Width = 40;
        int filled = progress.TotalBytes == 0 ? Width : (int)(Width * progress.BytesSent / progress.TotalBytes);
        Console.Error.Write($"\rupload [{new string('#', filled)}{new string('.', Width - filled)}] {progress.BytesSent * 100 / Math.Max(1, progress.TotalBytes),3}% ");
    }

    /// <summary>NumPy <c>.npy</c> (format 1.0–3.0) for the numeric dtypes and bool, little-endian, C order.</summary>
    internal static partial class Npy
    {
        private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

        private static readonly (string Descr, TensorElementType Type)[] Types =
        [
            ("<f4", TensorElementType.Float32), ("<f8", TensorElementType.Float64), ("<i4", TensorElementType.Int32), ("<i8", TensorElementType.Int64),
            ("<u4", TensorElementType.UInt32), ("<u8", TensorElementType.UInt64), ("|u1", TensorElementType.UInt8), ("<u2", TensorElementType.UInt16),
            ("|i1", TensorElementType.Int8), ("<i2", TensorElementType.Int16), ("|b1", TensorElementType.Bool), ("<f2", TensorElementType.Float16),
        ];

        /// <exception cref="CliInputException">The file is not a supported .npy.</exception>
        public static Tensor Read(byte[] file, string what)
        {
            if (file.Length < 10 || !file.AsSpan(0, 6).SequenceEqual(Magic))
            {
                throw new CliInputException($"{what}: not a .npy file (bad magic).");
            }

            int major = file[6];
            int headerLength, headerStart;
            if (major == 1)
            {
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
                headerStart = 10;
            }
            else if (major is 2 or 3 && file.Length >= 12)
            {
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
                headerLength = length > int.MaxValue ? int.MaxValue : (int)length;
                headerStart = 12;
            }
            else
            {
                throw new CliInputException($"{what}: unsupported .npy version {major}.");
            }

            if (headerLength > file.Length - headerStart)
            {
                throw new CliInputException($"{what}: the .npy header is truncated.");
            }

            string header = Encoding.Latin1.GetString(file, headerStart, headerLength);
            Match descr = DescrPattern().Match(header);
            Match order = FortranPattern().Match(header);
            Match shape = ShapePattern().Match(header);
            if (!descr.Success || !order.Success || !shape.Success)
            {
                throw new CliInputException($"{what}: the .npy header lacks descr, fortran_order or shape.");
            }

            if (order.Groups[1].Value == "True")
            {
                throw new CliInputException($"{what}: Fortran-order arrays are not supported; save with np.ascontiguousarray.");
            }

            string d = descr.Groups[1].Value;
            if (d is "<u1" or "<i1" or "<b1" or "=u1" or "=i1" or "=b1")
            {
                d = "|" + d[1..];
            }

            TensorElementType type = Types.FirstOrDefault(t => t.Descr == d) is { Descr: not null } found
                ? found.Type
                : throw new CliInputException($"{what}: dtype '{descr.Groups[1].Value}' is not supported (little-endian numeric or bool only).");
            long[] dims;
            try
            {
                dims = [.. shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))];
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                throw new CliInputException($"{what}: the .npy shape '{shape.Groups[1].Value}' is invalid.");
            }

            ReadOnlyMemory<byte> data = file.AsMemory(headerStart + headerLength);
            try
            {
                return Tensor.FromBytes(type, data, dims);
            }
            catch (Exception ex) when (ex is Protocol.ProtocolException or ArgumentException)
            {
                throw new CliInputException($"{what}: {ex.Message}");
            }
        }

        public static byte[] Write(Tensor tensor)
        {
            string descr = Types.FirstOrDefault(t => t.Type == tensor.ElementType).Descr
                ?? throw new CliInputException($"Output {tensor.Name}: element type {tensor.ElementType} has no .npy dtype here; use JSON output.");
            string dims = tensor.Shape.Length switch
            {
                0 => "()",
                1 => $"({tensor.Shape[0]},)",
                _ => "(" + string.Join(", ", tensor.Shape) + ")",
            };
            string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
            int total = 10 + header.Length + 1;
            int padding = (64 - (total % 64)) % 64;
            header = header + new string(' ', padding) + "\n";
            var file = new byte[10 + header.Length + tensor.Data.Length];
            Magic.CopyTo(file, 0);
            file[6] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), checked((ushort)header.Length));
            Encoding.Latin1.GetBytes(header, file.AsSpan(10));
            tensor.Data.Span.CopyTo(file.AsSpan(10 + header.Length));
            return file;
        }

        [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
        private static partial Regex DescrPattern();

        [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
        private static partial Regex FortranPattern();

        [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
        private static partial Regex ShapePattern();
    }

    /// <summary>Tensors as JSON: name, datumType (wire name), shape, flat row-major data.</summary>
    internal static class TensorJson
    {
        public static List<Tensor> Read(byte[] utf8)
        {
            using JsonDocument document = JsonDocument.Parse(utf8);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliInputException("--inputs-json: expected an array of tensors.");
            }

            var tensors = new List<Tensor>();
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                string? name = item.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                string typeName = item.TryGetProperty("datumType", out JsonElement t) ? t.GetString() ?? "" : "";
                if (!TensorElementTypeInfo.TryParseWireName(typeName, out TensorElementType? type) || type is TensorElementType.String or TensorElementType.Float16 or TensorElementType.BFloat16)
                {
                    throw new CliInputException($"--inputs-json: datumType '{typeName}' is not a numeric or bool wire name (F32, I64, Bool, ...).");
                }

                long[] shape = item.TryGetProperty("shape", out JsonElement s) && s.ValueKind == JsonValueKind.Array ? [.. s.EnumerateArray().Select(e => e.GetInt64())] : throw new CliInputException("--inputs-json: each tensor needs a shape array.");
                JsonElement[] data = item.TryGetProperty("data", out JsonElement d) && d.ValueKind == JsonValueKind.Array ? [.. d.EnumerateArray()] : throw new CliInputException("--inputs-json: each tensor needs a data array.");
                int size = TensorElementTypeInfo.SizeOf(type.Value);
                var bytes = new byte[data.Length * size];
                for (int i = 0; i < data.Length; i++)
                {
                    Span<byte> at = bytes.AsSpan(i * size, size);
                    switch (type.Value)
                    {
                        case TensorElementType.Float32: BinaryPrimitives.WriteSingleLittleEndian(at, data[i].GetSingle()); break;
                        case TensorElementType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(at, data[i].GetDouble()); break;
                        case TensorElementType.Int32: BinaryPrimitives.WriteInt32LittleEndian(at, data[i].GetInt32()); break;
                        case TensorElementType.Int64: BinaryPrimitives.WriteInt64LittleEndian(at, data[i].GetInt64()); break;
                        case TensorElementType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(at, data[i].GetUInt32()); break;
                        case TensorElementType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(at, data[i].GetUInt64()); break;
                        case TensorElementType.UInt8: at[0] = data[i].GetByte(); break;
                        case TensorElementType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(at, data[i].GetUInt16()); break;
                        case TensorElementType.Int8: at[0] = (byte)data[i].GetSByte(); break;
                        case TensorElementType.Int16: BinaryPrimitives.WriteInt16LittleEndian(at, data[i].GetInt16()); break;
                        default: at[0] = data[i].GetBoolean() ? (byte)1 : (byte)0; break;
                    }
                }

                try
                {
                    tensors.Add(Tensor.FromBytes(type.Value, bytes, shape, name));
                }
                catch (Exception ex) when (ex is Protocol.ProtocolException or ArgumentException)
                {
                    throw new CliInputException($"--inputs-json: tensor {name}: {ex.Message}");
                }
            }

            return tensors;
        }

        public static void Write(Utf8JsonWriter json, IReadOnlyList<Tensor> outputs)
        {
            json.WriteStartObject();
            json.WriteStartArray("outputs");
            foreach (Tensor tensor in outputs)
            {
                json.WriteStartObject();
                json.WriteString("name", tensor.Name);
                json.WriteString("datumType", TensorElementTypeInfo.GetWireName(tensor.ElementType));
                json.WriteStartArray("shape");
                foreach (long dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data");
                WriteValues(json, tensor);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static void WriteValues(Utf8JsonWriter json, Tensor tensor)
        {
            switch (tensor.ElementType)
            {
                case TensorElementType.Float32: foreach (float v in tensor.ToArray<float>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Float64: foreach (double v in tensor.ToArray<double>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Int32: foreach (int v in tensor.ToArray<int>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Int64: foreach (long v in tensor.ToArray<long>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.UInt32: foreach (uint v in tensor.ToArray<uint>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.UInt64: foreach (ulong v in tensor.ToArray<ulong>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.UInt8: foreach (byte v in tensor.ToArray<byte>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.UInt16: foreach (ushort v in tensor.ToArray<ushort>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Int8: foreach (sbyte v in tensor.ToArray<sbyte>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Int16: foreach (short v in tensor.ToArray<short>()) { json.WriteNumberValue(v); } break;
                case TensorElementType.Bool: foreach (bool v in tensor.ToArray<bool>()) { json.WriteBooleanValue(v); } break;
                case TensorElementType.String: foreach (string v in tensor.Strings) { json.WriteStringValue(v); } break;
                case TensorElementType.Float16: foreach (Half v in tensor.ToArray<Half>()) { json.WriteNumberValue((float)v); } break;
                default: throw new CliInputException($"Output {tensor.Name}: element type {tensor.ElementType} cannot be printed as JSON numbers.");
            }
        }
    }
}
