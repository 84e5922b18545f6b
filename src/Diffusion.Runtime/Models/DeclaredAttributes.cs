using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Diffusion.Dsl;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What a generated model's class declares, read from its attributes (they are kept in the assembly): the default of
/// <see cref="IDiffusionModel.Samplers"/> and <see cref="IDiffusionModel.ClassifierFreeGuidanceScale"/> until the
/// generator writes both as members.
/// </summary>
internal static class DeclaredAttributes
{
    public static IReadOnlyList<SamplerKind> Samplers(Type type) =>
        type.GetCustomAttributes<SamplerAttribute>(inherit: false).Select(a => a.Kind).Distinct().Order().ToArray();

    public static double? GuidanceScale(Type type) => type.GetCustomAttribute<ClassifierFreeGuidanceAttribute>(inherit: false)?.Scale;
}
