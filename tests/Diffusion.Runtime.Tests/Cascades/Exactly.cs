using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>Tensor equality for the cascade tests (TorchSharp's <c>equal</c> compares element-wise).</summary>
internal static class Exactly
{
    /// <summary>The same shape and the same values, element for element.</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.AsSpan().SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
