using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// Sampling a cascade (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3 and Fig. 1): the base model samples at low
/// resolution, then each super-resolution stage samples conditioned on the stage before it. The labels, guidance weight
/// and sampler of one request go to every stage; a base conditioned on text takes prompts instead (<see cref="RunText"/>).
/// </summary>
public static class CascadeSampling
{
    /// <summary>
    /// Every stage's images (Count, C, size_k, size_k), base first: stage k &gt; 0 is conditioned on stage k - 1's
    /// output clipped to the data range [-1, 1], augmented at <paramref name="augmentationLevel"/> (each stage's
    /// declared level when null). Every stage must declare <paramref name="sampler"/>; all draws come from
    /// <paramref name="generator"/>, in stage order. A base conditioned on text is refused: it samples from prompts.
    /// </summary>
    public static IReadOnlyList<Tensor> Run(IReadOnlyList<IDiffusionModel> stages, SamplerKind sampler, SampleRequest request,
        Generator generator, double? augmentationLevel = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(generator);
        Check(stages, sampler);
        if (stages[0] is ITextDiffusionModel)
            throw new ArgumentException($"Stage 0 ({stages[0].Description.Name}) is conditioned on text: sample the cascade from prompts (RunText).", nameof(stages));
        return Upsample(stages[0].Sample(sampler, request, generator), stages, sampler, request, generator, augmentationLevel);
    }

    /// <summary>
    /// Every stage's images (Count, C, size_k, size_k) for <paramref name="prompts"/> (Count rows), base first: the base,
    /// which must be conditioned on text, samples guided over text at the request's GuidanceScale (the request carries no
    /// labels); each later stage, which must take no labels, samples unguided from the stage below, clipped to [-1, 1]
    /// and augmented at <paramref name="augmentationLevel"/> (each stage's declared level when null), as unCLIP's
    /// upsamplers are conditioned on the image alone (Ramesh et al. 2022, Sec. 2.1). All draws come from
    /// <paramref name="generator"/>, in stage order.
    /// </summary>
    public static IReadOnlyList<Tensor> RunText(IReadOnlyList<IDiffusionModel> stages, TextConditioning prompts, SamplerKind sampler,
        SampleRequest request, Generator generator, double? augmentationLevel = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(generator);
        Check(stages, sampler);
        if (stages[0] is not ITextDiffusionModel text)
            throw new ArgumentException($"Stage 0 ({stages[0].Description.Name}) is not conditioned on text: sample the cascade with labels (Run).", nameof(stages));
        for (int k = 1; k < stages.Count; k++)
        {
            if (stages[k].Description.Classes is { } classes)
            {
                throw new ArgumentException($"Stage {k} ({stages[k].Description.Name}) takes labels of {classes} classes; the upsamplers of a cascade "
                    + "from text are conditioned on the image below alone.", nameof(stages));
            }
        }
        var upsampling = request with { GuidanceScale = 1.0 };    // guidance is over text, which only the base sees
        return Upsample(text.SampleText(prompts, sampler, request, generator), stages, sampler, upsampling, generator, augmentationLevel);
    }

    /// <summary>Refuses an empty chain, a later stage that is no super-resolution stage and a stage without the sampler.</summary>
    private static void Check(IReadOnlyList<IDiffusionModel> stages, SamplerKind sampler)
    {
        ArgumentNullException.ThrowIfNull(stages);
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
    }

    /// <summary>The base's images, then each super-resolution stage's from the stage below it clipped to [-1, 1].</summary>
    private static IReadOnlyList<Tensor> Upsample(Tensor baseImages, IReadOnlyList<IDiffusionModel> stages, SamplerKind sampler,
        SampleRequest request, Generator generator, double? augmentationLevel)
    {
        using Scalar low = -1, high = 1;    // disposed here, not left to the finalizer
        var images = new List<Tensor> { baseImages };
        for (int k = 1; k < stages.Count; k++)
        {
            var below = images[k - 1].clamp(low, high);
            images.Add(((ISuperResolutionModel)stages[k]).SampleFrom(below, sampler, request, generator, augmentationLevel));
            below.Dispose();
        }
        return images;
    }
}
