using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>What one sampler adds to the shared loop (<see cref="SamplerLoopEmitter"/>): its description and its step.</summary>
internal interface ISamplerEmitter
{
    /// <summary>The summary of Sample{Kind}: the paper and equation the sampler follows.</summary>
    string[] Summary(ModelSpec m);

    /// <summary>The step method the loop calls.</summary>
    string StepName { get; }

    /// <summary>
    /// Its arguments inside the loop, in x, step, previous, output and request, up to the generator; the loop adds the
    /// ones every step takes (generator, thresholding, percentile, shard: <see cref="SamplerLoopEmitter.StepParameters"/>).
    /// </summary>
    string StepArguments { get; }

    /// <summary>The public step method the loop calls (users drive it by hand too).</summary>
    void EmitStep(CodeWriter w, ModelSpec m, ModelNames names);
}
