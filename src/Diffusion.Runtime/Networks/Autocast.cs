using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// What PyTorch's autocast does for the DiT blocks, which TorchSharp 0.107 lacks: inside <see cref="Enter"/> with
/// <see cref="MatmulPrecision.BFloat16"/>, <see cref="Linear"/> runs in bfloat16 (inputs and weights cast, as
/// autocast's "CPU ops that can autocast to bfloat16": linear, matmul, scaled_dot_product_attention), and the blocks
/// cast each branch's output back to float32 once, so layer norm, the adaLN modulation and the residual sums run in
/// float32 (autocast's float32 list: layer_norm, softmax, mse_loss). PyTorch documents both lists in "Automatic Mixed
/// Precision package - torch.amp", Autocast Op Reference. Outside a scope, or at Float32, nothing changes.
/// </summary>
/// <remarks>
/// Per thread, like autocast and libtorch's grad mode. Without autograd (sampling) each weight is cast once per scope and
/// kept until it ends, as autocast's weight cache; with autograd every call casts afresh, so gradients reach the float32
/// weights.
/// </remarks>
public sealed class Autocast : IDisposable
{
    [ThreadStatic] private static Autocast? current;

    private readonly Autocast? outer;
    private readonly ScalarType dtype;
    private readonly Dictionary<IntPtr, Tensor> casts = new();

    private Autocast(ScalarType dtype, Autocast? outer)
    {
        this.dtype = dtype;
        this.outer = outer;
    }

    /// <summary>The low-precision type of the innermost scope on this thread, or null (float32).</summary>
    public static ScalarType? LowPrecision => current?.dtype;

    /// <summary>
    /// A scope in which the DiT blocks compute in <paramref name="precision"/>; dispose it to end it (scopes nest).
    /// At <see cref="MatmulPrecision.Float32"/> it leaves the thread as it is (an enclosing scope stays in force).
    /// </summary>
    public static IDisposable Enter(MatmulPrecision precision) => precision switch
    {
        MatmulPrecision.Float32 => NoScope.Instance,
        MatmulPrecision.BFloat16 => current = new Autocast(ScalarType.BFloat16, current),
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "use Float32 or BFloat16."),
    };

    /// <summary><paramref name="linear"/> applied to <paramref name="x"/>, in the scope's low precision if any.</summary>
    /// <returns>The output, in the low precision inside a scope (the caller casts back where float32 resumes).</returns>
    public static Tensor Linear(TorchSharp.Modules.Linear linear, Tensor x)
    {
        var scope = current;
        if (scope is null || !x.is_floating_point()) return linear.call(x);
        return nn.functional.linear(x.to(scope.dtype), scope.Cast(linear.weight!), linear.bias is { } b ? scope.Cast(b) : null);
    }

    /// <summary><paramref name="output"/> back in <paramref name="dtype"/> (the residual stream's), where float32 resumes.</summary>
    public static Tensor Resume(Tensor output, ScalarType dtype) => output.dtype == dtype ? output : output.to(dtype);

    private Tensor Cast(Tensor weight)
    {
        if (weight.dtype == dtype) return weight;
        if (is_grad_enabled()) return weight.to(dtype);
        if (!casts.TryGetValue(weight.Handle, out var cast))
        {
            // Kept for the scope's life, outside any dispose scope of the step that first needed it.
            cast = weight.detach().to(dtype).DetachFromDisposeScope();
            casts.Add(weight.Handle, cast);
        }
        return cast;
    }

    /// <summary>Ends the scope: the thread returns to the enclosing one, and the cached casts are freed.</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(current, this)) throw new InvalidOperationException("Autocast scopes end in the reverse order of their start, on their own thread.");
        current = outer;
        foreach (var cast in casts.Values) cast.Dispose();
        casts.Clear();
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }
}
