using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// A cascade of diffusion models (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): a base model, then
/// super-resolution stages; the generator implements it on every <see cref="CascadeAttribute"/> class.
/// </summary>
public interface ICascadeModel
{
    /// <summary>The declared class's name.</summary>
    string Name { get; }

    /// <summary>The base model, then each <see cref="ISuperResolutionModel"/> in order of resolution.</summary>
    IReadOnlyList<IDiffusionModel> Stages { get; }

    /// <summary>
    /// Samples the whole chain (<see cref="CascadeSampling.Run"/>): every stage's images, the last the cascade's output.
    /// </summary>
    IReadOnlyList<Tensor> SampleStages(SamplerKind sampler, SampleRequest request, Generator generator, double? augmentationLevel = null);
}
