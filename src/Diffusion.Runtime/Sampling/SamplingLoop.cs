using System;
using Diffusion.Runtime.Networks;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Sampling;

/// <summary>
/// The loop every generated sampler shares: from x_T down the visited training steps tau_S &gt; ... &gt; tau_1, one
/// reverse step each. What differs between samplers is only <see cref="ReverseStep"/>; what a step sees of the
/// network (guidance included) is <see cref="StepOutput"/>.
/// </summary>
public static class SamplingLoop
{
    /// <summary>The network output at x_t for training step <c>step</c>, guided as the request says.</summary>
    public delegate Tensor StepOutput(Tensor x, int step);

    /// <summary>x_{tau_{i-1}} from x_{tau_i}: <c>previous</c> is -1 after the last step.</summary>
    public delegate Tensor ReverseStep(Tensor x, int step, int previous, Tensor output);

    /// <summary>
    /// Runs <paramref name="reverseStep"/> from <paramref name="noise"/> = x_T over <paramref name="steps"/> (ascending,
    /// visited from the last), calling <paramref name="onStep"/> with (i, x) after each. Each step runs in its own
    /// dispose scope and frees the x it replaced, so memory stays flat over the steps; the result (and
    /// <paramref name="noise"/>, freed) belong to the caller's scope. The network runs in <paramref name="precision"/>
    /// (an <see cref="Autocast"/> scope around the loop, so each weight is cast once per call).
    /// </summary>
    public static Tensor Run(int[] steps, Tensor noise, StepOutput output, ReverseStep reverseStep, Action<int, Tensor>? onStep,
        MatmulPrecision precision = MatmulPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reverseStep);
        using var autocast = Autocast.Enter(precision);
        var x = noise;
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            using var stepScope = NewDisposeScope();
            int step = steps[i], previous = i > 0 ? steps[i - 1] : -1;
            var next = reverseStep(x, step, previous, output(x, step));
            next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            onStep?.Invoke(i, x);
        }
        return x;
    }
}
