using System;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The standard normal z of a stochastic step: the caller's own (diffusers' <c>variance_noise</c>) or drawn from a
/// generator as diffusers' <c>randn_tensor</c> draws it, in the model output's dtype and on the generator's device, so
/// the same seed gives the same numbers and leaves the generator in the same state as diffusers.
/// </summary>
internal static class StepNoise
{
    /// <summary>Throws when both sources are given or the caller's noise does not match the sample.</summary>
    public static void CheckSources(Generator? generator, Tensor? varianceNoise, Tensor sample)
    {
        if (generator is not null && varianceNoise is not null)
            throw new ArgumentException("Pass either a generator or varianceNoise, not both.", nameof(varianceNoise));
        if (varianceNoise is not null && !varianceNoise.shape.SequenceEqual(sample.shape))
            throw new ArgumentException(
                $"varianceNoise has shape [{string.Join(", ", varianceNoise.shape)}] but the sample has [{string.Join(", ", sample.shape)}].", nameof(varianceNoise));
    }

    /// <summary>z of the sample's shape in <paramref name="dtype"/>: the caller's, or randn(shape, drawDType) from the generator (PyTorch's global one when null, as diffusers).</summary>
    public static Tensor Get(Generator? generator, Tensor? varianceNoise, long[] shape, ScalarType drawDType, Device device, ScalarType dtype)
    {
        if (varianceNoise is not null) return varianceNoise.to(dtype, device);
        var drawDevice = generator?.device ?? device;
        return randn(shape, dtype: drawDType, device: drawDevice, generator: generator).to(dtype, device);
    }
}
