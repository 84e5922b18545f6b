using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>The entries of ModelDescription.Network: each architecture's hyperparameters by name, compared on load.</summary>
internal static class NetworkDescription
{
    /// <summary>
    /// "key = value," lines of <paramref name="n"/>'s dictionary, read from the constants of the network class, written
    /// <paramref name="network"/>: the input and output, the kind's own entries (its row of <see cref="NetworkKinds"/>),
    /// then the labels'.
    /// </summary>
    public static void EmitEntries(CodeWriter w, NetworkSpec n, string network, string indent)
    {
        w.Lines(
            indent + "[\"input_size\"] = " + network + ".InputSize,",
            indent + "[\"in_channels\"] = " + network + ".InChannels,",
            indent + "[\"out_channels\"] = " + network + ".OutChannels,");
        NetworkKinds.Of(n).DescribeEntries(w, n, network, indent);
        if (n.IsClassConditional)
        {
            w.Lines(
                indent + "[\"classes\"] = " + network + ".Classes,",
                indent + "[\"label_drop_rate\"] = " + network + ".LabelDropRate,");
        }
    }

    /// <summary>A DiT's own entries: the patch size and the transformer's hyperparameters.</summary>
    public static void TransformerEntries(CodeWriter w, TransformerSpec t, string network, string indent)
    {
        w.Lines(
            indent + "[\"patch_size\"] = " + network + ".PatchSize,",
            indent + "[\"width\"] = " + network + ".Width,",
            indent + "[\"depth\"] = " + network + ".Depth,",
            indent + "[\"heads\"] = " + network + ".Heads,",
            indent + "[\"mlp_ratio\"] = " + Double(t.MlpRatio) + ",",
            indent + "[\"frequency_dim\"] = " + network + ".FrequencyDim,");
        if (t.LowResolutionChannels > 0) w.Line(indent + "[\"low_resolution_channels\"] = " + network + ".LowResolutionChannels,");
    }

    /// <summary>A U-Net's own entries: the "unet" marker, then the pyramid's.</summary>
    public static void UNetEntries(CodeWriter w, UNetSpec u, string network, string indent)
    {
        w.Line(indent + "[\"unet\"] = 1,");
        EmitUNetEntries(w, network, u.Shape, indent, withIo: false);
    }

    /// <summary>The pyramid's entries (and the input's, unless <paramref name="withIo"/> is false).</summary>
    public static void EmitUNetEntries(CodeWriter w, string network, UNetShape s, string indent, bool withIo = true)
    {
        foreach (var entry in UNetPlan.DescriptionEntries(network, s, withIo))
        {
            w.Line(indent + "[\"" + entry.Key + "\"] = " + entry.Value + ",");
        }
    }
}
