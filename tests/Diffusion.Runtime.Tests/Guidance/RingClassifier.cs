using System;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Toy;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Guidance;

/// <summary>
/// The exact noisy classifier of <see cref="RingMixture"/>: given the component y, x_t ~ N(sqrt(abar_t) mu_y, v_t I) with
/// v_t = abar_t s^2 + 1 - abar_t, so p(y | x_t) = softmax_y(-|x_t - sqrt(abar_t) mu_y|^2 / (2 v_t)) and
/// grad_{x_t} log p(y | x_t) = (sum_k p(k | x_t) (x_t - sqrt(abar_t) mu_k) - (x_t - sqrt(abar_t) mu_y)) / v_t, in closed form.
/// </summary>
internal sealed class RingClassifier : INoisyClassifier
{
    public RingClassifier(NoiseSchedule schedule) => Schedule = schedule;

    public NoiseSchedule Schedule { get; }

    public int Classes => RingMixture.Modes;

    public nn.Module Network { get; } = nn.Identity();    // nothing to train: the classifier is analytic

    public ModelDescription Description { get; } = new("RingClassifier", 2, 1, RingMixture.Modes, null, Dsl.ScheduleKind.Linear, 1000, new System.Collections.Generic.Dictionary<string, double>());

    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator) =>
        throw new NotSupportedException("The ring classifier is exact; it has nothing to train.");

    public Tensor Logits(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var (centred, variance) = Centred(x, t);
        return (-0.5 * centred.pow(2).sum([2L]) / variance.squeeze(2)).MoveToOuterDisposeScope();    // (n, K)
    }

    public Tensor LogProbabilityGradient(Tensor x, Tensor t, Tensor labels)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var (centred, variance) = Centred(x, t);                                                     // (n, K, 2), (n, 1, 1)
        var responsibilities = (-0.5 * centred.pow(2).sum([2L], keepdim: true) / variance).softmax(1); // (n, K, 1)
        var expected = (responsibilities * centred).sum([1L]);                                        // (n, 2)
        var own = centred.gather(1, labels.reshape(n, 1, 1).expand(n, 1, 2)).squeeze(1);             // (n, 2)
        var gradient = (expected - own) / variance.reshape(n, 1);                                      // (n, 2)
        return gradient.to(x.dtype).reshape(x.shape).MoveToOuterDisposeScope();
    }

    private (Tensor Centred, Tensor Variance) Centred(Tensor x, Tensor t)
    {
        long n = x.shape[0];
        var points = x.reshape(n, 2).to(ScalarType.Float64);
        var abar = tensor(Schedule.AlphasCumprod.ToArray(), dtype: ScalarType.Float64).index_select(0, t.cpu()).reshape(n, 1, 1);
        var variance = abar * (RingMixture.Std * RingMixture.Std) + (1 - abar);
        var means = tensor(Enumerable.Range(0, RingMixture.Modes).SelectMany(k => new[] { RingMixture.Means[k, 0], RingMixture.Means[k, 1] }).ToArray(), dtype: ScalarType.Float64).reshape(RingMixture.Modes, 2);
        return (points.unsqueeze(1) - abar.sqrt() * means.unsqueeze(0), variance);
    }
}
