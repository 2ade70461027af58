using System.Diagnostics;
using BlindAI.Client.Connection;
using BlindAI.Client.Models;
using BlindAI.Client.Diagnostics;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Client;

public sealed partial class BlindAIClient
{
    /// <summary>Uploads an ONNX model over the attested management channel.</summary>
    /// <param name="model">The model: <see cref="ModelSource.FromFile"/>, <see cref="ModelSource.FromStream"/> or <see cref="ModelSource.FromBytes"/>.</param>
    /// <param name="options">Name and progress reporting; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The model's id and hash (the hash checked against the client's own SHA-256 of the bytes).</returns>
    /// <exception cref="Errors.BlindAIRequestException">The server refused the model (status and problem details).</exception>
    /// <exception cref="ProtocolException">The server's reply is malformed or its hash is not the model's.</exception>
    /// <exception cref="TimeoutException">The upload took longer than <see cref="BlindAIClientOptions.RequestTimeout"/>.</exception>
    public async Task<UploadedModel> UploadModelAsync(ModelSource model, UploadModelOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ThrowIfDisposed();
        options ??= new UploadModelOptions();
        byte[] bytes = await model.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            throw new ArgumentException("The model is empty.", nameof(model));
        }

        string name = options.Name ?? model.DefaultName ?? "model";
        ModelHash expected = ModelHash.Compute(bytes);
        byte[] body = MessageCodec.Default.EncodeUploadModel(UploadModel.Create(bytes, name, ClientInfo.Anonymous));
        IProgress<UploadProgress>? progress = options.Progress;
        using Activity? activity = ClientActivities.Start("upload", _management.BaseAddress!);
        activity?.SetTag("blindai.model.size", bytes.Length);
        byte[] reply = await SendAsync(_management, ProtocolRoutes.Upload, () => progress is not null ? new ProgressContent(body, progress) : new ByteArrayContent(body), "upload", activity, cancellationToken).ConfigureAwait(false);
        SendModelReply sent = MessageCodec.Default.DecodeSendModelReply(reply);
        if (sent.Hash != expected)
        {
            var mismatch = new ProtocolException(ProtocolErrorReason.InvalidValue, $"The server reports hash {sent.Hash} for a model whose SHA-256 is {expected}.", "hash");
            ClientActivities.Fail(activity, mismatch);
            throw mismatch;
        }

        activity?.SetTag("blindai.model.id", sent.ModelId.ToString());
        activity?.SetTag("blindai.model.hash", sent.Hash.ToString());

        _metrics.Uploaded(bytes.Length);
        ClientLog.ModelUploaded(_logger, sent.ModelId.ToString(), bytes.Length, expected.ToString());
        return new UploadedModel(sent.ModelId, sent.Hash, name, bytes.Length);
    }

    /// <summary>Runs a model by id. Inputs with a <see cref="Tensor.Name"/> are matched by name, the others by position.</summary>
    /// <param name="model">The id from <see cref="UploadModelAsync"/>.</param>
    /// <param name="inputs">The input tensors.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Every model output, in graph order, named.</returns>
    /// <exception cref="Errors.BlindAIRequestException">The server refused the inputs or the model is unknown.</exception>
    /// <exception cref="TimeoutException">The run took longer than <see cref="BlindAIClientOptions.RequestTimeout"/>.</exception>
    public Task<IReadOnlyList<Tensor>> RunModelAsync(ModelId model, IEnumerable<Tensor> inputs, CancellationToken cancellationToken = default) =>
        RunAsync(ModelReference.ById(model), inputs, cancellationToken);

    /// <summary>Runs a model by the SHA-256 of its bytes (any upload of the same bytes).</summary>
    /// <param name="model">The model's hash.</param>
    /// <param name="inputs">The input tensors.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Every model output, in graph order, named.</returns>
    /// <exception cref="Errors.BlindAIRequestException">The server refused the inputs or the model is unknown.</exception>
    /// <exception cref="TimeoutException">The run took longer than <see cref="BlindAIClientOptions.RequestTimeout"/>.</exception>
    public Task<IReadOnlyList<Tensor>> RunModelByHashAsync(ModelHash model, IEnumerable<Tensor> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return RunAsync(ModelReference.ByHash(model), inputs, cancellationToken);
    }

    /// <summary>Deletes an uploaded model.</summary>
    /// <param name="model">The model's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task completing when the server has deleted it.</returns>
    /// <exception cref="Errors.BlindAIRequestException">The server refused (for example an unknown id).</exception>
    public async Task DeleteModelAsync(ModelId model, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        byte[] body = MessageCodec.Default.EncodeDeleteModel(DeleteModel.For(model));
        using Activity? activity = ClientActivities.Start("delete", _management.BaseAddress!);
        activity?.SetTag("blindai.model.id", model.ToString());
        byte[] reply = await SendAsync(_management, ProtocolRoutes.Delete, () => new ByteArrayContent(body), "delete", activity, cancellationToken).ConfigureAwait(false);
        MessageCodec.Default.DecodeDeleteModelReply(reply);
        ClientLog.ModelDeleted(_logger, model.ToString());
    }

    private async Task<IReadOnlyList<Tensor>> RunAsync(ModelReference model, IEnumerable<Tensor> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ThrowIfDisposed();
        long started = Stopwatch.GetTimestamp();
        RunModel request = RunModel.Create(model, inputs, ClientInfo.Anonymous);

        // Large inputs (an image) go to the connection from the caller's own arrays: no encoded copy, no fresh large
        // array (which costs more than the copy). The caller's arrays are not touched until this call returns.
        var encoded = MessageCodec.Default.EncodeRunModelReferencing(request);
        using Activity? activity = ClientActivities.Start("run", _attested.BaseAddress!);
        activity?.SetTag("blindai.model", model.ToString());
        activity?.SetTag("blindai.run.inputs", request.Inputs.Length);
        byte[] reply = await SendAsync(_attested, ProtocolRoutes.Run, () => new SequenceContent(encoded), "run", activity, cancellationToken).ConfigureAwait(false);

        var outputs = MessageCodec.Default.DecodeRunModelReply(reply).GetOutputTensors();
        ClientLog.ModelRan(_logger, model.ToString(), request.Inputs.Length, outputs.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return outputs;
    }
}
