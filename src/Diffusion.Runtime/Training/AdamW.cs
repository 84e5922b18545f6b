using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2),
/// step for step as <c>torch.optim.AdamW</c> computes it, with its state exposed as a name-to-tensor dictionary so that
/// it is saved to safetensors beside the weights.
/// </summary>
/// <remarks>
/// Notation: g = gradient, m = <c>exp_avg</c>, v = <c>exp_avg_sq</c>, k = step (from 1), lr, wd, beta1, beta2, eps.
/// Per parameter p and step:
/// <list type="number">
/// <item>p = p (1 - lr wd)  (the decay is decoupled: applied to the weights, not added to the gradient);</item>
/// <item>m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;</item>
/// <item>p = p - lr / (1 - beta1^k) * m / (sqrt(v) / sqrt(1 - beta2^k) + eps)  (bias-corrected, eps outside the root).</item>
/// </list>
/// State tensors are allocated once, detached from every dispose scope, and updated in place under no_grad.
/// </remarks>
public sealed class AdamW : IDisposable
{
    /// <summary>The state key of the step counter (an int64 scalar).</summary>
    public const string StepKey = "step";

    private readonly (string Name, Parameter Parameter, Tensor ExpAvg, Tensor ExpAvgSq)[] slots;
    private readonly Tensor stepTensor;
    private bool disposed;

    /// <summary>Creates the optimizer over named parameters (typically <c>network.named_parameters()</c>).</summary>
    /// <param name="parameters">The parameters to update, by name; names become state keys.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="beta1">The first-moment decay.</param>
    /// <param name="beta2">The second-moment decay.</param>
    /// <param name="epsilon">eps, added to the bias-corrected root of v.</param>
    /// <param name="weightDecay">wd, the decoupled decay rate (multiplied by lr, as PyTorch does).</param>
    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, double learningRate = 1e-3,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
    {
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate {learningRate} must be >= 0.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"beta1 {beta1} must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"beta2 {beta2} must lie in [0, 1).");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon {epsilon} must be >= 0.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weight decay {weightDecay} must be >= 0.");

        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;

        using var noGrad = no_grad();
        slots = parameters.Select(p =>
        {
            var expAvg = zeros_like(p.Parameter).DetachFromDisposeScope();
            var expAvgSq = zeros_like(p.Parameter).DetachFromDisposeScope();
            return (p.Name, p.Parameter, expAvg, expAvgSq);
        }).ToArray();
        var duplicate = slots.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Parameter name '{duplicate.Key}' appears twice.", nameof(parameters));
        stepTensor = zeros(Array.Empty<long>(), dtype: ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>lr; may be changed between steps (a learning-rate schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>beta1.</summary>
    public double Beta1 { get; }

    /// <summary>beta2.</summary>
    public double Beta2 { get; }

    /// <summary>eps.</summary>
    public double Epsilon { get; }

    /// <summary>wd.</summary>
    public double WeightDecay { get; }

    /// <summary>Number of steps taken (k of the last step).</summary>
    public long StepCount { get; private set; }

    /// <summary>The optimized parameters.</summary>
    public IEnumerable<Parameter> Parameters => slots.Select(s => s.Parameter);

    /// <summary>Clears the gradients of every parameter (sets them to none, as PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var slot in slots) slot.Parameter.grad = null;
    }

    /// <summary>One AdamW update of every parameter that has a gradient, in place under no_grad.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        StepCount++;
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        double biasCorrection2Sqrt = Math.Sqrt(1.0 - Math.Pow(Beta2, StepCount));
        double stepSize = LearningRate / biasCorrection1;

        // Every number goes in as an explicit Scalar, disposed when the step ends. TorchSharp 0.107 turns a double
        // argument into a native Scalar that no dispose scope tracks and only a finalizer frees (add_(s) adds one more
        // for alpha = 1); the training loop allocates too little managed memory for the GC to run, so 7 such handles
        // per parameter per step piled up and pinned freed gradient memory in the native heap (tens of MiB per step).
        using var step = StepCount.ToScalar();
        using var decay = (1.0 - LearningRate * WeightDecay).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1.0 - Beta2).ToScalar();
        using var biasCorrection2SqrtScalar = biasCorrection2Sqrt.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var one = 1.ToScalar();                                     // the alpha add_(s) passes
        using var negativeStepSize = (-stepSize).ToScalar();
        stepTensor.fill_(step);

        foreach (var (_, parameter, expAvg, expAvgSq) in slots)
        {
            var grad = parameter.grad;
            if (grad is null) continue;
            parameter.mul_(decay);                                         // p = p (1 - lr wd)
            expAvg.lerp_(grad, 1.0 - Beta1);                               // m = beta1 m + (1 - beta1) g (the weight is a 0-d tensor the scope disposes)
            expAvgSq.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);      // v = beta2 v + (1 - beta2) g^2
            var denominator = expAvgSq.sqrt().div_(biasCorrection2SqrtScalar).add_(epsilon, one);
            parameter.addcdiv_(expAvg, denominator, negativeStepSize);     // p = p - lr/bc1 * m / denom
        }
    }

    /// <summary>
    /// The state by name: <c>{parameter}.exp_avg</c>, <c>{parameter}.exp_avg_sq</c> and <see cref="StepKey"/>. The
    /// tensors are the optimizer's own (live, not copies): read or save them, do not dispose or keep them.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(slots.Length * 2 + 1);
        foreach (var (name, _, expAvg, expAvgSq) in slots)
        {
            state[name + ".exp_avg"] = expAvg;
            state[name + ".exp_avg_sq"] = expAvgSq;
        }
        state[StepKey] = stepTensor;
        return state;
    }

    /// <summary>Copies a state (as <see cref="StateDict"/> returns) into this optimizer; keys and shapes must match.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Where(kv => state.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape)).Select(kv => kv.Key).ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
            throw new ArgumentException($"Optimizer state does not match: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}], shape mismatch [{string.Join(", ", mismatched)}].", nameof(state));
        using var noGrad = no_grad();
        foreach (var (name, tensor) in own) tensor.copy_(state[name]);
        SyncStepFromTensor();
    }

    /// <summary>Re-reads <see cref="StepCount"/> from the step tensor after its value was written in place (a load).</summary>
    internal void SyncStepFromTensor() => StepCount = stepTensor.item<long>();

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var slot in slots)
        {
            slot.ExpAvg.Dispose();
            slot.ExpAvgSq.Dispose();
        }
        stepTensor.Dispose();
    }
}
