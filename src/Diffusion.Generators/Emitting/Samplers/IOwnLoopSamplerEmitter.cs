using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>
/// A sampler that does not walk the training timesteps (the consistency sampler visits continuous noise levels), so
/// it writes its whole Sample{Kind} instead of a step for <see cref="SamplerLoopEmitter"/>'s shared loop.
/// </summary>
internal interface IOwnLoopSamplerEmitter : ISamplerEmitter
{
    /// <summary>The <see cref="ModelAliases"/> its Sample{Kind} writes besides those every sampler file declares.</summary>
    string[] Aliases { get; }

    /// <summary>Writes Sample{Kind}(request, generator, denoiser, onStep).</summary>
    void EmitSample(CodeWriter w, ModelSpec m, ModelNames names);
}
