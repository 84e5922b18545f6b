using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// Label embedding (Peebles and Xie 2023, Sec. 3.2; the reference LabelEmbedder): a table of Classes + 1 rows, the
/// last the null label of classifier-free guidance (Ho and Salimans 2022). <c>embedding_table</c> is the reference
/// state-dict key. The reference drops labels inside forward; here forward is deterministic and the dropout is
/// <see cref="DropLabels"/>, which draws from the caller's generator, so a training step is reproducible from its seed.
/// </summary>
public sealed class LabelEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Embedding embedding_table;

    /// <summary>An embedding of <paramref name="classes"/> labels plus the null label into <paramref name="width"/>.</summary>
    /// <param name="classes">Number of classes; labels are 0..classes-1.</param>
    /// <param name="width">Hidden width D.</param>
    /// <param name="dropRate">p_uncond, the probability that training replaces a label by the null label.</param>
    public LabelEmbedder(int classes, int width, double dropRate) : base(nameof(LabelEmbedder))
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), $"classes = {classes}; use at least 1.");
        if (!(dropRate >= 0 && dropRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropRate), $"dropRate = {dropRate}; use [0, 1).");
        Classes = classes;
        DropRate = dropRate;
        embedding_table = nn.Embedding(classes + 1, width);
        RegisterComponents();
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>The null label, the table's last row.</summary>
    public int NullLabel => Classes;

    /// <summary>p_uncond.</summary>
    public double DropRate { get; }

    /// <summary>y (N, int64) to the embedding (N, D).</summary>
    public override Tensor forward(Tensor y) => embedding_table.call(y);    // (N, D)

    /// <summary>
    /// The reference token_drop: in training mode each label becomes <see cref="NullLabel"/> with probability
    /// <see cref="DropRate"/> (Ho and Salimans 2022, Algorithm 1, line 3), one uniform draw per label from
    /// <paramref name="generator"/>; in evaluation mode (or at rate 0) the labels come back unchanged and nothing is drawn.
    /// </summary>
    public Tensor DropLabels(Tensor labels, Generator? generator)
    {
        if (!training || DropRate == 0) return labels.alias();
        using var scope = NewDisposeScope();
        using var rate = DropRate.ToScalar();
        using var nullLabel = NullLabel.ToScalar();
        var drop = rand(labels.shape, generator: generator, device: labels.device).lt(rate);           // (N) bool
        var nulls = full(labels.shape, nullLabel, dtype: ScalarType.Int64, device: labels.device);    // (N)
        return where(drop, nulls, labels).MoveToOuterDisposeScope();                                // (N)
    }

    /// <summary>The reference initialize_weights for the table: normal with std 0.02.</summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        nn.init.normal_(embedding_table.weight!, 0.0, 0.02);
    }
}
