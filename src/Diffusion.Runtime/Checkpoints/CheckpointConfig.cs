using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Diffusion.Runtime.Models;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>The contents of a checkpoint's <c>config.json</c>: what was trained, and how.</summary>
/// <param name="Format">Always <see cref="CheckpointLayout.FormatName"/>.</param>
/// <param name="Version">The layout version, <see cref="CheckpointLayout.FormatVersion"/>.</param>
/// <param name="Kind"><see cref="CheckpointLayout.TrainingKind"/> for a resumable checkpoint (model, EMA, optimizer,
/// trainer state) or <see cref="CheckpointLayout.ReleaseKind"/> for an exported one (EMA weights only, as model.safetensors).</param>
/// <param name="Step">The training step the weights are from.</param>
/// <param name="WeightsDType">The safetensors dtype of the floating-point weights (F32, or F16 for a half-size release).</param>
/// <param name="Description">The model's declaration; loading refuses a model whose description differs.</param>
/// <param name="Training">The options of the run that wrote it, as the trainer wrote them (its
/// <c>Diffusion.Runtime.Training.TrainingOptions</c>). The checkpoint layer keeps them as JSON, so that it depends on no
/// trainer type and the trainer can depend on it.</param>
/// <param name="ExactTensors">Floating-point tensors stored at another dtype than <paramref name="WeightsDType"/>, by
/// name: a float16 release keeps the network's fixed tensors (buffers and parameters that are never trained, such as the
/// DiT's sine-cosine <c>pos_embed</c>) at the checkpoint's own precision, since halving them buys little space and costs
/// up to 2.4e-4 of a table that is known exactly. Null (and absent from the file) when there are none, as in every
/// release written before layout version 3.</param>
public sealed record CheckpointConfig(
    string Format,
    int Version,
    string Kind,
    long Step,
    string WeightsDType,
    ModelDescription Description,
    JsonObject? Training,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string>? ExactTensors = null);
