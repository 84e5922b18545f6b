using System.Linq;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;

namespace Diffusion.Runtime.Sampling;

/// <summary>
/// The training steps tau_1 &lt; ... &lt; tau_S a generated DDPM or DDIM sampler visits.
/// </summary>
/// <remarks>
/// Why latent models start below T - 1. A noise-predicting model's clean-sample estimate is
/// x0_hat = (x_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t) (Ho et al. 2020, Eq. 15). At the cosine schedule's last
/// step sqrt(abar_{T-1}) is about 5e-5, so an error e in eps_hat becomes an error of 2e4 e in x0_hat, and DDIM-20's
/// first step carries about 1,600 e of it into x_{tau_{S-1}}. Pixel samplers clip x0_hat to [-1, 1] and never see it;
/// latents have no such range, and an unclipped latent sampler that starts at T - 1 drifts to latents of standard
/// deviation in the hundreds (measured: 386 where the data's is 1, on the MNIST latent DiT). Latent diffusion's own
/// DDIM sampler (Rombach et al. 2022, the "uniform" discretisation) and diffusers' Stable Diffusion scheduler
/// configuration take k (T div S) (+1) instead, whose noisiest step, 950 of 1,000 at S = 20, is well conditioned;
/// <see cref="TimestepSpacing.Leading"/> is that choice.
/// </remarks>
public static class SamplingSteps
{
    /// <summary>
    /// S = <paramref name="count"/> of <paramref name="timesteps"/> training steps, ascending: spaced as
    /// <paramref name="spacing"/> says (<see cref="InferenceTimesteps.Spaced"/>), or, when it is null, evenly with both
    /// ends included (<see cref="NoiseSchedule.EvenlySpacedSteps"/>: the pixel samplers' steps, with which every
    /// recorded figure was made).
    /// </summary>
    public static int[] Ascending(int timesteps, int count, TimestepSpacing? spacing) =>
        spacing is { } chosen
            ? InferenceTimesteps.Spaced(chosen, timesteps, count).Reverse().Select(step => (int)step).ToArray()
            : NoiseSchedule.EvenlySpacedSteps(timesteps, count);
}
