using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// A cascade whose base is conditioned on text: the base draws what the prompts ask for, guided over text, and each
/// upsampler raises the stage below conditioned on its images alone, as unCLIP's upsamplers are not conditioned on the
/// caption (Ramesh et al. 2022, Sec. 2.1). The generator implements it on a [Cascade] whose first stage declares
/// [TextConditioning]; its <see cref="ICascadeModel.SampleStages"/> refuses, since the base needs prompts.
/// </summary>
public interface ITextCascadeModel : ICascadeModel
{
    /// <summary>
    /// Every stage's images for <paramref name="prompts"/> (Count rows), base first (<see cref="CascadeSampling.RunText"/>):
    /// the base guided over text at the request's GuidanceScale, the upsamplers unguided.
    /// </summary>
    IReadOnlyList<Tensor> SampleText(TextConditioning prompts, SamplerKind sampler, SampleRequest request, Generator generator,
        double? augmentationLevel = null);
}
