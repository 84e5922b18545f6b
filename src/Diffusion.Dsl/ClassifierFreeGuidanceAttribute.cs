using System;

namespace Diffusion.Dsl;

/// <summary>
/// Classifier-free guidance (Ho and Salimans 2022): the samplers run the conditional and the null-label pass batched
/// together and use eps_hat = eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null)). The network must declare a
/// <see cref="LabelEmbeddingAttribute"/> with a positive drop rate, so the null label is trained.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ClassifierFreeGuidanceAttribute : Attribute
{
    /// <summary>The default guidance weight w (1 = conditional only, no guidance; the samplers take another per call).</summary>
    public double Scale { get; set; } = 4.0;
}
