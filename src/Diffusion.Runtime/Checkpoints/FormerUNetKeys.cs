using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Networks.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The key map of U-Net and encoder checkpoints written before the networks took guided-diffusion's state-dict names
/// (openai/guided-diffusion, unet.py). The former generated networks named their modules by level:
/// <code>
/// former                               guided-diffusion (current)
/// time_embed.mlp.{0,2}                 time_embed.{0,2}
/// input_conv                           input_blocks.0.0
/// down{l}_res{k}, down{l}_attn{k}      input_blocks.{i}.0, input_blocks.{i}.1   (i counts the blocks of the down path)
/// down{l}_sample.conv                  input_blocks.{i}.0.op
/// middle_res0, middle_attn, middle_res1  middle_block.{0,1,2}
/// up{l}_res{k}, up{l}_attn{k}          output_blocks.{j}.0, output_blocks.{j}.1
/// up{l}_sample.conv                    output_blocks.{j}.{last}.conv
/// out_norm, out_conv (U-Net)           out.0, out.2
/// out_norm, head (encoder)             out.0, out.3
/// in a ResBlock: in_norm, in_conv, emb_proj, out_norm, out_conv, skip
///                                      in_layers.0, in_layers.2, emb_layers.1, out_layers.0, out_layers.3, skip_connection
/// in an attention block: norm, qkv, proj   norm, qkv, proj_out
/// </code>
/// The attention's qkv and proj weights were Linear weights (out, C), now 1x1 Conv1d weights (out, C, 1), and the
/// encoder's head a Linear weight (outputs, C), now a 1x1 Conv2d weight (outputs, C, 1, 1): the same numbers in the
/// same order, so a former file loads through views of the current tensors in the former shapes. The former names
/// are recovered by walking the network's blocks, so the map holds for every declared pyramid.
/// </summary>
public static class FormerUNetKeys
{
    /// <summary>
    /// Current parameter name to former name and former shape, for a network built of the Diffusion.Runtime.Networks.UNet
    /// blocks (fields input_blocks, middle_block, optionally output_blocks); empty for any other network.
    /// </summary>
    public static IReadOnlyDictionary<string, (string Name, long[] Shape)> Of(nn.Module network)
    {
        var children = network.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var map = new Dictionary<string, (string, long[])>(StringComparer.Ordinal);
        if (!children.TryGetValue("input_blocks", out var inputModule) || inputModule is not TorchSharp.Modules.ModuleList<TimestepEmbedSequential> input
            || children.GetValueOrDefault("middle_block") is not TimestepEmbedSequential middle)
            return map;
        var output = children.GetValueOrDefault("output_blocks") as TorchSharp.Modules.ModuleList<TimestepEmbedSequential>;

        var prefixes = new List<(string Current, string Former)>
        {
            ("time_embed.0", "time_embed.mlp.0"), ("time_embed.2", "time_embed.mlp.2"), ("label_emb", "label_emb"),
            ("input_blocks.0.0", "input_conv"), ("out.0", "out_norm"), ("out.2", "out_conv"), ("out.3", "head"),
        };
        int level = 0, k = 0;
        for (int i = 1; i < input.Count; i++)
        {
            var block = input[i];
            if (block.Layers[0] is Downsample)
            {
                prefixes.Add(("input_blocks." + i + ".0.op", "down" + level + "_sample.conv"));
                level++;
                k = 0;
                continue;
            }
            Blocks(prefixes, "input_blocks." + i, block, "down" + level + "_res" + k, "down" + level + "_attn" + k);
            k++;
        }
        Blocks(prefixes, "middle_block", middle, "middle_res0", "middle_attn");
        Res(prefixes, "middle_block.2", "middle_res1");
        k = 0;
        for (int j = 0; output is not null && j < output.Count; j++)
        {
            var block = output[j];
            Blocks(prefixes, "output_blocks." + j, block, "up" + level + "_res" + k, "up" + level + "_attn" + k);
            k++;
            if (block.Layers[^1] is Upsample)
            {
                prefixes.Add(("output_blocks." + j + "." + (block.Layers.Count - 1) + ".conv", "up" + level + "_sample.conv"));
                level--;
                k = 0;
            }
        }

        foreach (var (name, parameter) in network.named_parameters())
        {
            var (current, former) = prefixes.Where(p => name.StartsWith(p.Current + ".", StringComparison.Ordinal)).MaxBy(p => p.Current.Length);
            if (current is null) return new Dictionary<string, (string, long[])>();    // not a network of these blocks
            var shape = parameter.shape;
            // Linear weights then, 1x1 convolution weights now: drop the kernel's trailing 1s.
            bool wasLinear = name.EndsWith(".weight", StringComparison.Ordinal)
                && (current.EndsWith(".qkv", StringComparison.Ordinal) || current.EndsWith(".proj_out", StringComparison.Ordinal) || current == "out.3");
            map[name] = (former + name[current.Length..], wasLinear ? shape[..2] : shape);
        }
        return map;
    }

    /// <summary>
    /// <paramref name="tensors"/> (keyed by current parameter names, or by names that extend them such as an optimizer's
    /// <c>{parameter}.exp_avg</c>) keyed by the former names, each a view in the former shape; keys of no parameter stay.
    /// The views are created in the caller's dispose scope.
    /// </summary>
    public static Dictionary<string, Tensor> Rename(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, (string Name, long[] Shape)> map)
    {
        var renamed = new Dictionary<string, Tensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors)
        {
            string? parameter = null;
            for (string candidate = key; ; candidate = candidate[..candidate.LastIndexOf('.')])
            {
                if (map.ContainsKey(candidate)) { parameter = candidate; break; }
                if (candidate.IndexOf('.') < 0) break;
            }
            if (parameter is null)
            {
                renamed[key] = tensor;
                continue;
            }
            var (name, shape) = map[parameter];
            renamed[name + key[parameter.Length..]] = tensor.numel() == shape.Aggregate(1L, (a, b) => a * b) ? tensor.view(shape) : tensor;
        }
        return renamed;
    }

    /// <summary>
    /// <paramref name="tensors"/> as the file at <paramref name="path"/> names them: by the current state-dict names, or,
    /// for a U-Net or encoder checkpoint of the former layout, by the former names as views into the same tensors (in
    /// the caller's dispose scope). A file of neither layout gets the current names, which the loader then reports.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> AsStored(string path, IReadOnlyDictionary<string, Tensor> tensors, nn.Module network)
    {
        var map = Of(network);
        if (map.Count == 0 || !System.IO.File.Exists(path)) return tensors;
        var header = SafetensorsFile.ReadHeader(path);
        if (tensors.Keys.All(header.ContainsKey)) return tensors;
        var former = Rename(tensors, map);
        return former.Keys.All(header.ContainsKey) ? former : tensors;
    }

    /// <summary>
    /// Tensors read from a file of either layout, keyed by the current names of <paramref name="current"/> in its shapes
    /// (views of the read tensors): <paramref name="read"/> itself when it already uses them.
    /// </summary>
    public static Dictionary<string, Tensor> ToCurrent(Dictionary<string, Tensor> read, IReadOnlyDictionary<string, Tensor> current, nn.Module network)
    {
        if (current.Keys.All(read.ContainsKey)) return read;
        var map = Of(network);
        return current.ToDictionary(kv => kv.Key, kv => read[map[kv.Key].Name].view(kv.Value.shape), StringComparer.Ordinal);
    }

    private static void Blocks(List<(string, string)> prefixes, string current, TimestepEmbedSequential block, string res, string attention)
    {
        Res(prefixes, current + ".0", res);
        if (block.Layers.Count > 1 && block.Layers[1] is AttentionBlock)
        {
            prefixes.Add((current + ".1.norm", attention + ".norm"));
            prefixes.Add((current + ".1.qkv", attention + ".qkv"));
            prefixes.Add((current + ".1.proj_out", attention + ".proj"));
        }
    }

    private static void Res(List<(string, string)> prefixes, string current, string former)
    {
        prefixes.Add((current + ".in_layers.0", former + ".in_norm"));
        prefixes.Add((current + ".in_layers.2", former + ".in_conv"));
        prefixes.Add((current + ".emb_layers.1", former + ".emb_proj"));
        prefixes.Add((current + ".out_layers.0", former + ".out_norm"));
        prefixes.Add((current + ".out_layers.3", former + ".out_conv"));
        prefixes.Add((current + ".skip_connection", former + ".skip"));
    }
}
