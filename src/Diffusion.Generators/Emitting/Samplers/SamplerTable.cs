using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>
/// The samplers the generator can emit, one row per <see cref="SamplerKind"/> member: a new sampler is an enum member,
/// its emitter file and its row here. The model parser accepts only the kinds listed, so a member without a row is a
/// diagnostic on its [Sampler], never an exception in the generator.
/// </summary>
internal static class SamplerTable
{
    public static readonly IReadOnlyDictionary<SamplerKind, ISamplerEmitter> All = new Dictionary<SamplerKind, ISamplerEmitter>
    {
        [SamplerKind.Ddpm] = new DdpmSamplerEmitter(),
        [SamplerKind.Ddim] = new DdimSamplerEmitter(),
        [SamplerKind.Consistency] = new ConsistencySamplerEmitter(),
    };

    /// <summary>The accepted kinds as the diagnostic names them: "SamplerKind.Ddpm or SamplerKind.Ddim".</summary>
    public static readonly string Expected =
        string.Join(" or ", All.Keys.OrderBy(k => k).Select(k => "SamplerKind." + k));
}
