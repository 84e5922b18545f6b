using System;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>
/// CLIP's symmetric contrastive loss (Radford et al. 2021, Sec. 2.3 and Fig. 3) over a batch of N (image, caption)
/// pairs: with unit image embeddings u_i, unit caption embeddings v_j and a temperature tau, the logits are
/// L_ij = u_i . v_j / tau and the loss is (CE(L, diag) + CE(L^T, diag)) / 2, a cross-entropy over the captions for
/// each image and one over the images for each caption. With a frozen text tower only the image side learns (LiT, Zhai
/// et al. 2022, locks the image tower instead; the loss is the same).
/// </summary>
/// <remarks>
/// <para>
/// Equal captions in a batch (MNIST's repeat: 732 distinct ones for 9,003 images) need no correction when the text
/// tower is locked, because equal captions then have equal embeddings. Say captions j and j' are equal. Image i's
/// logits at j and j' are equal, so the diagonal target and a target shared between j and j' (the multi-positive
/// cross-entropy of StableRep, Tian et al. 2023) give image i the same cross-entropy. Columns j and j' are equal
/// vectors, so caption j's softmax over the images is caption j''s, and the diagonal targets of the two columns add
/// up to the shared targets' sum over both. The loss, as a function of the image embeddings and tau, is therefore the
/// multi-positive loss exactly, with the same gradients. Only its floor moves: a caption held by k images of the batch
/// costs at least log k (the targets' entropy), not 0. <c>ContrastiveLossTests</c> checks this on a batch with a
/// repeated caption.
/// </para>
/// <para>Notation: u (N, D) image embeddings, v (N, D) caption embeddings, s = 1 / tau the logit scale.</para>
/// </remarks>
public static class ContrastiveLoss
{
    /// <summary>
    /// The loss of unit image embeddings <paramref name="images"/> (N, D) against unit caption embeddings
    /// <paramref name="texts"/> (N, D), pair i being (images[i], texts[i]), at logit scale <paramref name="scale"/> =
    /// 1 / tau (a scalar tensor, so that its gradient reaches a learned temperature). Returns a scalar.
    /// </summary>
    public static Tensor Compute(Tensor images, Tensor texts, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(scale);
        if (images.dim() != 2 || !images.shape.AsSpan().SequenceEqual(texts.shape))
            throw new ArgumentException($"Image embeddings ({string.Join(", ", images.shape)}) and caption embeddings ({string.Join(", ", texts.shape)}) must both be (N, D).");

        using var scope = NewDisposeScope();
        var logits = images.matmul(texts.t()).mul(scale);                                  // (N, N) L_ij = u_i . v_j / tau
        // The targets 0..N-1 from an array: arange(N) would leave its bounds and step as Scalars to the finalizer.
        var diagonal = tensor(Enumerable.Range(0, (int)images.shape[0]).Select(i => (long)i).ToArray(), device: images.device);    // (N)
        var imageToText = nn.functional.cross_entropy(logits, diagonal);                 // CE(L, diag), mean over images
        var textToImage = nn.functional.cross_entropy(logits.t(), diagonal);             // CE(L^T, diag), mean over captions
        return stack([imageToText, textToImage]).mean().MoveToOuterDisposeScope();       // (CE + CE^T) / 2
    }
}
