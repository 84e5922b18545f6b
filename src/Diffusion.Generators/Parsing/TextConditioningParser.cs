using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [TextConditioning] beside a [DiffusionTransformer] to a <see cref="TextConditioningSpec"/> (Saharia et al. 2022,
/// Sec. 2): widths in range (DDSL003), the drop rate in [0, 1) (DDSL004), and DDSL061 beside [LabelEmbedding] (text
/// replaces the label), beside [LowResolutionConditioning] (not supported yet) or on a noisy classifier's encoder.
/// </summary>
internal static class TextConditioningParser
{
    // Upper bounds keep every derived count (L_max D_token, D_pooled D) inside int.
    private const int MaxDim = 65536;
    private const int MaxTokens = 4096;

    /// <summary>The spec of <paramref name="text"/> (null when absent or wrong, with the reasons in <paramref name="diagnostics"/>).</summary>
    public static TextConditioningSpec? Parse(string network, AttributeView? text, AttributeView? label, AttributeView? lowResolution,
        List<DiagnosticInfo> diagnostics)
    {
        if (text is null) return null;
        int before = diagnostics.Count;
        if (label is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TextConditioningUnsupported, label.Location, network,
                "the text takes the place of [LabelEmbedding] (its null embedding serves classifier-free guidance)",
                "remove [LabelEmbedding], or [TextConditioning] for a class-conditional network"));
        }
        if (lowResolution is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TextConditioningUnsupported, lowResolution.Location, network,
                "a super-resolution network conditioned on text is not supported yet",
                "remove [LowResolutionConditioning] or [TextConditioning]"));
        }
        int pooled = text.Int("PooledDim", 0);
        int token = text.Int("TokenDim", 0);
        int maxTokens = text.Int("MaxTokens", 32);
        double dropRate = text.Double("DropRate", 0.1);
        DeclarationChecks.InRange(diagnostics, text.NamedLocation("PooledDim") ?? text.Location, "PooledDim", pooled, MaxDim,
            "the width of the encoder's pooled embedding, such as 384");
        DeclarationChecks.InRange(diagnostics, text.NamedLocation("TokenDim") ?? text.Location, "TokenDim", token, MaxDim,
            "the width of the encoder's token states, such as 384");
        DeclarationChecks.InRange(diagnostics, text.NamedLocation("MaxTokens") ?? text.Location, "MaxTokens", maxTokens, MaxTokens,
            "the most tokens a text brings, such as 32");
        if (!(dropRate >= 0 && dropRate < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropRateOutOfRange, text.NamedLocation("DropRate"), dropRate)
                .WithFix(Fix.Set("DropRate", "0.1")));
        }
        return diagnostics.Count > before ? null : new TextConditioningSpec(pooled, token, maxTokens, text.Bool("CrossAttention", false), dropRate);
    }

    /// <summary>DDSL061 for [TextConditioning] on a network kind that does not take it (a [UNetEncoder]).</summary>
    public static void RefuseOn(INamedTypeSymbol symbol, string kind, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        bool broken = false;
        var text = DeclarationChecks.Optional(symbol, AttributeNames.TextConditioning, cancellationToken, ref broken);
        if (text is null) return;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TextConditioningUnsupported, text.Location, symbol.Name,
            "a " + kind + " does not take text",
            "remove [TextConditioning]"));
    }
}
