using System.Collections.Generic;
using Diffusion.Dsl;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What a declaration says, as data: written as JSON beside every checkpoint and compared with the model on load, so
/// a checkpoint is never loaded into a network of another shape.
/// </summary>
/// <param name="Name">The declared diffusion model's type name.</param>
/// <param name="Channels">Image channels C.</param>
/// <param name="ImageSize">Image height and width.</param>
/// <param name="Classes">Number of classes of a class-conditional model, else null.</param>
/// <param name="Predicts">What a diffusion network outputs; null for a noisy classifier.</param>
/// <param name="Schedule">The schedule kind.</param>
/// <param name="Timesteps">T.</param>
/// <param name="Network">The network's hyperparameters by name (for DiT: patch_size, width, depth, heads, ...).</param>
/// <param name="Variance">The reverse-process variance.</param>
/// <param name="Objective">The training objective.</param>
/// <param name="Weighting">The weighting of the squared error.</param>
public sealed record ModelDescription(
    string Name,
    int Channels,
    int ImageSize,
    int? Classes,
    Prediction? Predicts,
    ScheduleKind Schedule,
    int Timesteps,
    IReadOnlyDictionary<string, double> Network,
    ReverseVariance Variance = ReverseVariance.FixedSmall,
    Objective Objective = Objective.Simple,
    LossWeighting Weighting = LossWeighting.Noise);
