using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>Gradient clipping by the global norm (Pascanu et al. 2013), as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / (||g|| + 1e-6)), where ||g|| is the L2 norm of all gradients concatenated,
    /// and returns ||g|| before clipping (non-finite when a gradient is). Delegates to TorchSharp's
    /// <c>nn.utils.clip_grad_norm_</c>, which computes it natively (one call, no managed tensors).
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm) =>
        nn.utils.clip_grad_norm_(parameters, maxNorm, 2.0);
}
