using System;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Likelihood;

/// <summary>
/// The negative ELBO of held-out data under a trained model, in bits per dimension (Ho et al. 2020, Eq. 5; Nichol and
/// Dhariwal 2021, Sec. 3): -log p(x_0) &lt;= L_T + sum_{t=2..T} L_{t-1} + L_0. The model's generated
/// <c>VariationalBoundTerms</c> computes each L_t from the network output; this class draws x_t, sums the terms and
/// reports their parts with a standard error.
/// </summary>
public static class VariationalBound
{
    /// <summary>
    /// Evaluates <paramref name="images"/> (N, C, H, W) in [-1, 1] on the 256-level grid, with <paramref name="labels"/>
    /// (N, int64) for a conditional evaluation. <paramref name="progress"/> sees (images done, total).
    /// </summary>
    public static VariationalBoundReport Evaluate(IDiffusionModel model, Tensor images, Tensor? labels, VariationalBoundOptions options, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (images.dim() != 4) throw new ArgumentException($"images must be (N, C, H, W); got {images.dim()} dimensions.", nameof(images));
        int? classes = model.Description.Classes;
        if (options.Conditional && (classes is null || labels is null))
            throw new ArgumentException("a conditional evaluation needs a class-conditional model and the data's labels.", nameof(options));

        var schedule = model.Schedule;
        int timesteps = schedule.Length;
        int count = (int)images.shape[0];
        var device = model.Network.parameters().Select(p => p.device).FirstOrDefault() ?? CPU;
        using var generator = new Generator((ulong)options.Seed, device);
        var prior = new double[count];
        var decoder = new double[count];
        var transitions = new double[count];

        using var noGrad = no_grad();
        for (int start = 0; start < count; start += options.BatchSize)
        {
            using var batchScope = NewDisposeScope();
            int size = Math.Min(options.BatchSize, count - start);
            var x0 = images.narrow(0, start, size).to(device);
            Tensor? y = null;
            // Without labels, the null label: the extra row Classes of the label table (DiT's LabelEmbedder).
            if (classes is { } nullLabel) y = options.Conditional ? labels!.narrow(0, start, size).to(device) : full([size], nullLabel, dtype: ScalarType.Int64, device: device);

            // L_T: the prior term, exact (Ho et al. 2020, Eq. 5).
            Store(prior, start, GaussianLikelihood.PriorBitsPerDimension(x0, schedule.AlphasCumprod[timesteps - 1]));

            // L_0: the decoder term at t = 0 (Eq. 13).
            Store(decoder, start, Term(model, x0, y, full([size], 0L, dtype: ScalarType.Int64, device: device), generator));

            if (timesteps > 1 && options.TimestepsPerImage is null)
            {
                // sum_{t=1..T-1} L_t, every term.
                var sum = zeros(size, dtype: ScalarType.Float64, device: device);
                for (int t = 1; t < timesteps; t++)
                {
                    using var stepScope = NewDisposeScope();
                    sum.add_(Term(model, x0, y, full([size], (long)t, dtype: ScalarType.Int64, device: device), generator).to(ScalarType.Float64));
                }
                Store(transitions, start, sum);
            }
            else if (timesteps > 1)
            {
                // (T - 1) E_{t ~ U{1..T-1}} L_t, estimated from K draws per image: unbiased.
                int drawCount = options.TimestepsPerImage!.Value;
                var sum = zeros(size, dtype: ScalarType.Float64, device: device);
                for (int k = 0; k < drawCount; k++)
                {
                    using var stepScope = NewDisposeScope();
                    var t = randint(1, timesteps, [size], dtype: ScalarType.Int64, device: device, generator: generator);
                    sum.add_(Term(model, x0, y, t, generator).to(ScalarType.Float64) * (timesteps - 1));
                }
                Store(transitions, start, sum / drawCount);
            }
            progress?.Invoke(start + size, count);
        }

        var totals = Enumerable.Range(0, count).Select(i => prior[i] + decoder[i] + transitions[i]).ToArray();
        double mean = totals.Average();
        double variance = count > 1 ? totals.Sum(v => (v - mean) * (v - mean)) / (count - 1) : double.NaN;
        long dimensions = images.shape[1] * images.shape[2] * images.shape[3];
        return new VariationalBoundReport(
            Images: count,
            Dimensions: (int)dimensions,
            TimestepsPerImage: options.TimestepsPerImage ?? Math.Max(timesteps - 1, 0),
            Exact: options.TimestepsPerImage is null,
            BitsPerDimension: mean,
            // The per-image totals are independent, each unbiased: their spread already holds the timestep draws' noise.
            StandardError: Math.Sqrt(variance / count),
            Prior: prior.Average(),
            Transitions: transitions.Average(),
            Decoder: decoder.Average());
    }

    /// <summary>L_t per sample (bits/dim) at timesteps t: x_t drawn from q(x_t | x_0), then the model's own terms.</summary>
    private static Tensor Term(IDiffusionModel model, Tensor x0, Tensor? y, Tensor t, Generator generator)
    {
        using var scope = NewDisposeScope();
        var noise = randn(x0.shape, generator: generator, device: x0.device);
        var xt = NoiseSchedule.Gather(model.Schedule.SqrtAlphasCumprod, t, x0.dim()) * x0
            + NoiseSchedule.Gather(model.Schedule.SqrtOneMinusAlphasCumprod, t, x0.dim()) * noise;    // Ho et al. 2020, Eq. 4
        var output = model.Denoise(xt, t, y);
        return model.VariationalBoundTerms(x0, xt, t, output).MoveToOuterDisposeScope();
    }

    private static void Store(double[] target, int start, Tensor values)
    {
        var host = values.to(ScalarType.Float64).cpu().data<double>().ToArray();
        Array.Copy(host, 0, target, start, host.Length);
    }
}
