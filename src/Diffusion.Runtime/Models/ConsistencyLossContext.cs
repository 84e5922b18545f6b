namespace Diffusion.Runtime.Models;

/// <summary>What a consistency loss needs besides the batch.</summary>
/// <param name="Step">The training step k, from 1 (consistency training's level count N(k) depends on it).</param>
/// <param name="TotalSteps">K, the run's total steps (Song and Dhariwal 2023's doubling period is K / 8 by default).</param>
/// <param name="Teacher">The declared teacher of consistency distillation, or null for consistency training.</param>
public sealed record ConsistencyLossContext(long Step, long TotalSteps, IDiffusionModel? Teacher = null);
