using System;
using System.Linq;
using Diffusion.Runtime.Contrastive;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Contrastive;

/// <summary>CLIP's symmetric contrastive loss against values computed by hand, and its behaviour with repeated captions.</summary>
public class ContrastiveLossTests
{
    private static Tensor Rows(params double[][] rows) =>
        tensor(rows.SelectMany(r => r).Select(x => (float)x).ToArray(), [rows.Length, rows[0].Length]);

    [Fact]
    public void The_loss_of_a_3x3_similarity_matrix_is_the_hand_computed_value()
    {
        // u_i = e_i and v_1 = (1, 0, 0), v_2 = (0.6, 0.8, 0), v_3 = (0, 0.6, 0.8), all unit: S_ij = u_i . v_j = v_j[i]
        //   S = [[1, 0.6, 0], [0, 0.8, 0.6], [0, 0, 0.8]]; tau = 0.5, so L = S / tau = [[2, 1.2, 0], [0, 1.6, 1.2], [0, 0, 1.6]].
        // Rows (each image over the captions), CE_i = log sum_j e^{L_ij} - L_ii:
        //   ln(e^2 + e^1.2 + 1) - 2 = 0.4603726, ln(1 + e^1.6 + e^1.2) - 1.6 = 0.6271231, ln(2 + e^1.6) - 1.6 = 0.3391779;
        //   mean 0.4755578.
        // Columns (each caption over the images), CE_j = log sum_i e^{L_ij} - L_jj:
        //   ln(e^2 + 2) - 2 = 0.2395448, ln(e^1.2 + e^1.6 + 1) - 1.6 = 0.6271231, ln(1 + e^1.2 + e^1.6) - 1.6 = 0.6271231;
        //   mean 0.4979303.
        // Loss = (0.4755578 + 0.4979303) / 2 = 0.4867441 (0.48674406268 in float64). Rows and columns differ, so a
        // loss that took one direction twice (or transposed L) would miss it.
        using var u = eye(3);
        using var v = Rows([1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]);
        using var scale = tensor(2f);

        using var loss = ContrastiveLoss.Compute(u, v, scale);

        Assert.Equal(0.48674406268, loss.item<float>(), 1e-6);
    }

    [Fact]
    public void The_gradient_in_the_logit_scale_is_the_closed_form()
    {
        // d loss / d s = sum_ij (d loss / d L_ij) S_ij with d loss / d L_ij = ((P_ij - I_ij) / N + (Q_ij - I_ij) / N) / 2,
        // P the rows' softmax and Q the columns' of L = s S (the cross-entropy's gradient is softmax - target). For the
        // matrix above at s = 2, summed by hand: -0.18593082 (a central difference of the loss agrees to 1e-10).
        using var u = eye(3);
        using var v = Rows([1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]);
        using var scale = tensor(2f).requires_grad_();

        using var loss = ContrastiveLoss.Compute(u, v, scale);
        loss.backward();

        Assert.Equal(-0.18593082044, scale.grad!.item<float>(), 1e-6);
    }

    [Fact]
    public void A_caption_repeated_in_a_batch_gives_the_multi_positive_loss_and_its_gradients()
    {
        // Images 1 and 2 drew the same caption: v_1 = v_2 = (0.6, 0.8, 0), v_3 = (0, 0, 1); u_i = e_i, tau = 1, so
        // L = S = [[0.6, 0.6, 0], [0.8, 0.8, 0], [0, 0, 1]]. The multi-positive targets (StableRep) share each image's
        // target between the two equal captions: T = [[1/2, 1/2, 0], [1/2, 1/2, 0], [0, 0, 1]].
        // Rows, CE_i = log sum_j e^{L_ij} - sum_j T_ij L_ij:
        //   ln(2e^0.6 + 1) - 0.6 = 0.9356272, ln(2e^0.8 + 1) - 0.8 = 0.8958141, ln(2 + e) - 1 = 0.5514447.
        // Columns, CE_j = log sum_i e^{L_ij} - sum_i T_ij L_ij:
        //   ln(e^0.6 + e^0.8 + 1) - (0.6 + 0.8) / 2 = 0.9189247 twice, ln(2 + e) - 1 = 0.5514447.
        // Loss = ((0.9356272 + 0.8958141 + 0.5514447) / 3 + (2 * 0.9189247 + 0.5514447) / 3) / 2 = 0.7953634.
        // CLIP's diagonal targets give the same number: the rows' two equal logits make the split irrelevant, and the
        // two equal columns' diagonal terms (-0.6 and -0.8) add up to the shared targets' (-0.7 twice).
        using var u = eye(3);
        using var v = Rows([0.6, 0.8, 0], [0.6, 0.8, 0], [0, 0, 1]);
        using var one = tensor(1f);
        using var loss = ContrastiveLoss.Compute(u, v, one);
        Assert.Equal(0.79536336332, loss.item<float>(), 1e-6);

        // And the gradients in the image embeddings and the scale match the multi-positive loss written out here, on
        // random unit images against a batch of 6 with captions a, a, b, c, c, c.
        var generator = new Generator(3);
        using var images = nn.functional.normalize(randn(6, 4, generator: generator)).requires_grad_();
        using var captions = nn.functional.normalize(randn(3, 4, generator: generator));
        using var texts = captions.index(tensor(new long[] { 0, 0, 1, 2, 2, 2 }));
        using var scale = tensor(3f).requires_grad_();
        using var clip = ContrastiveLoss.Compute(images, texts, scale);
        var (imageGrad, scaleGrad) = Gradients(clip, images, scale);

        using var multi = MultiPositive(images, texts, scale, [0, 0, 1, 2, 2, 2]);
        var (expectedImageGrad, expectedScaleGrad) = Gradients(multi, images, scale);
        Assert.Equal(multi.item<float>(), clip.item<float>(), 1e-5);
        Assert.True(imageGrad.allclose(expectedImageGrad, rtol: 1e-4, atol: 1e-6), "image gradients differ from the multi-positive loss's");
        Assert.Equal(expectedScaleGrad.item<float>(), scaleGrad.item<float>(), 1e-5);
        // Each row and column costs at least the entropy of its targets, log k: here (2 ln 2 + 3 ln 3) / 6.
        Assert.True(clip.item<float>() >= (2 * Math.Log(2) + 3 * Math.Log(3)) / 6 - 1e-6, "the floor: mean log k over the batch");
    }

    [Fact]
    public void Embeddings_of_other_shapes_are_refused()
    {
        using var u = eye(3);
        using var v = ones(2, 3);
        using var scale = tensor(1f);
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(u, v, scale));
    }

    /// <summary>
    /// StableRep's multi-positive cross-entropy, symmetric as CLIP's: T_ij = [g_i = g_j] / k_i, loss =
    /// (mean_i CE(L_i., T_i.) + mean_j CE(L_.j, T_.j)) / 2 with soft-target cross-entropies.
    /// </summary>
    private static Tensor MultiPositive(Tensor images, Tensor texts, Tensor scale, long[] groups)
    {
        int n = groups.Length;
        var t = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                t[i * n + j] = groups[i] == groups[j] ? 1f / groups.Count(g => g == groups[i]) : 0f;
        var targets = tensor(t, [n, n]);
        var logits = images.matmul(texts.t()).mul(scale);
        var rows = targets.mul(logits.log_softmax(1)).sum(1).mean().neg();
        var columns = targets.t().mul(logits.t().log_softmax(1)).sum(1).mean().neg();    // T symmetric
        return stack([rows, columns]).mean();
    }

    private static (Tensor Images, Tensor Scale) Gradients(Tensor loss, Tensor images, Tensor scale)
    {
        var grads = autograd.grad([loss], [images, scale]);
        return (grads[0], grads[1]);
    }
}
