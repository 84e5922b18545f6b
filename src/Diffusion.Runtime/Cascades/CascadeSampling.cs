using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// Sampling a cascade (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3 and Fig. 1): the base model samples at low
/// resolution, then each super-resolution stage samples conditioned on the stage before it. The labels, guidance weight
/// and sampler of one request go to every stage.
/// </summary>
public static class CascadeSampling
{
    /// <summary>
    /// Every stage's images (Count, C, size_k, size_k), base first: stage k &gt; 0 is conditioned on stage k - 1's
    /// output clipped to the data range [-1, 1], augmented at <paramref name="augmentationLevel"/> (each stage's
    /// declared level when null). Every stage must declare <paramref name="sampler"/>; all draws come from
    /// <paramref name="generator"/>, in stage order.
    /// </summary>
    public static IReadOnlyList<Tensor> Run(IReadOnlyList<IDiffusionModel> stages, SamplerKind sampler, SampleRequest request,
        Generator generator, double? augmentationLevel = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(generator);
        if (stages.Count == 0) throw new ArgumentException("A cascade has at least a base stage.", nameof(stages));
        for (int k = 0; k < stages.Count; k++)
        {
            if (k > 0 && stages[k] is not ISuperResolutionModel)
                throw new ArgumentException($"Stage {k} ({stages[k].Description.Name}) is no super-resolution stage.", nameof(stages));
            if (!stages[k].Samplers.Contains(sampler))
            {
                throw new ArgumentException($"Stage {k} ({stages[k].Description.Name}) declares no {sampler} sampler "
                    + $"(declared: {string.Join(", ", stages[k].Samplers)}).", nameof(sampler));
            }
        }
        using Scalar low = -1, high = 1;    // disposed here, not left to the finalizer
        var images = new List<Tensor> { stages[0].Sample(sampler, request, generator) };
        for (int k = 1; k < stages.Count; k++)
        {
            var below = images[k - 1].clamp(low, high);
            images.Add(((ISuperResolutionModel)stages[k]).SampleFrom(below, sampler, request, generator, augmentationLevel));
            below.Dispose();
        }
        return images;
    }
}
