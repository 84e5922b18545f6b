using Diffusion.Runtime.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Networks;

/// <summary>
/// The DiT block's in-place forms without autograd (issue 16): adaLN's modulate and the gated residual must give the
/// bits of the unfused x * (1 + scale) + shift and x + gate * y on the shapes the block broadcasts (one shift, scale
/// and gate per sample for all its tokens), overwrite only what they may, and leave training's autograd intact.
/// libtorch 2.10's addcmul, the other candidate, rounds the product and the sum once (a fused multiply-add): it
/// differed from x + gate * y in 13,092 of 56,448 elements here, and so was dropped.
/// </summary>
public class FusedFormsTests
{
    [Fact]
    public void Modulate_in_place_equals_the_unfused_form_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var (x, shift, scale) = (randn(6, 49, 192), randn(6, 192), randn(6, 192));
        var unfused = x * (scale.unsqueeze(1) + 1) + shift.unsqueeze(1);
        var fresh = x.clone();
        Tensor modulated;
        using (no_grad()) modulated = Modulation.ModulateFresh(fresh, shift, scale);
        AssertSameBits(modulated, unfused);
        Assert.Same(fresh, modulated);    // no (N, T, D) output of its own
        AssertSameBits(Modulation.ModulateFresh(x, shift, scale), unfused);    // with autograd: out of place
    }

    [Fact]
    public void Gated_residual_in_place_equals_the_unfused_form_bit_for_bit_and_keeps_a_borrowed_x()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var (x, gate, y) = (randn(6, 49, 192), randn(6, 192), randn(6, 49, 192));
        var unfused = x + gate.unsqueeze(1) * y;
        var before = x.clone();
        using (no_grad())
        {
            AssertSameBits(Modulation.GatedResidual(x, gate, y.clone(), ownX: false), unfused);
            AssertSameBits(x, before);    // a borrowed x is left alone
            var own = x.clone();
            var sum = Modulation.GatedResidual(own, gate, y.clone(), ownX: true);
            AssertSameBits(sum, unfused);
            Assert.Same(own, sum);
        }
    }

    [Fact]
    public void With_autograd_both_forms_leave_their_inputs_and_gradients_as_the_unfused_ones()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn(2, 5, 8).requires_grad_();
        var shift = randn(2, 8).requires_grad_();
        var scale = randn(2, 8).requires_grad_();
        var gate = randn(2, 8).requires_grad_();
        var normed = x * 1.5;    // a fresh tensor autograd tracks, as a layer norm's output
        var y = Modulation.ModulateFresh(normed, shift, scale).tanh();
        Modulation.GatedResidual(x, gate, y, ownX: false).square().sum().backward();
        var fused = new[] { x.grad!.clone(), shift.grad!.clone(), scale.grad!.clone(), gate.grad!.clone() };
        foreach (var p in new[] { x, shift, scale, gate }) p.grad!.zero_();
        var yUnfused = (x * 1.5 * (scale.unsqueeze(1) + 1) + shift.unsqueeze(1)).tanh();
        (x + gate.unsqueeze(1) * yUnfused).square().sum().backward();
        var unfused = new[] { x.grad!, shift.grad!, scale.grad!, gate.grad! };
        for (int i = 0; i < fused.Length; i++) AssertSameBits(fused[i], unfused[i]);
    }

    /// <summary>Every element equal (float32 ==, so bit for bit up to the sign of zero; no NaN in these inputs).</summary>
    private static void AssertSameBits(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(0L, actual.ne(expected).sum().ToInt64());
    }
}
