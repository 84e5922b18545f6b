using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// A network started from another's weights: what a distillation student is at the start of a round (Salimans and Ho
/// 2022, Algorithm 2: the student is initialised from the teacher).
/// </summary>
public static class NetworkCopy
{
    /// <summary>
    /// <paramref name="target"/>, a fresh network of <paramref name="source"/>'s type, moved to the source's device and
    /// given a copy of every parameter and buffer (by state-dict name, all required): the two share no tensor, so
    /// training the copy leaves the source as it was.
    /// </summary>
    public static T Of<T>(T source, T target)
        where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (ReferenceEquals(source, target)) throw new ArgumentException("Copy into a new network, not the source itself.", nameof(target));
        foreach (var parameter in source.parameters())
        {
            target.to(parameter.device);
            break;
        }
        using var noGrad = no_grad();
        var values = source.state_dict();
        foreach (var (name, tensor) in target.state_dict()) tensor.copy_(values[name]);
        return target;
    }
}
