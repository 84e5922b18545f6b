using System.Collections.Generic;
using Diffusion.Dsl;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>
/// The samplers the generator can emit, one row per <see cref="SamplerKind"/> member: a new sampler is an enum member,
/// its emitter file and its row here.
/// </summary>
internal static class SamplerTable
{
    public static readonly IReadOnlyDictionary<SamplerKind, ISamplerEmitter> All = new Dictionary<SamplerKind, ISamplerEmitter>
    {
        [SamplerKind.Ddpm] = new DdpmSamplerEmitter(),
        [SamplerKind.Ddim] = new DdimSamplerEmitter(),
    };
}
