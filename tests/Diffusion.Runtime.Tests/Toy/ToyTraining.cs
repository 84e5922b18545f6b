using System;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Toy;

/// <summary>Trains a toy model on fresh mixture samples each step and scores its samples on the exact density.</summary>
internal static class ToyTraining
{
    public const int Steps = 3000;
    public const int BatchSize = 256;
    public const double PeakLearningRate = 3e-3;

    /// <summary>
    /// AdamW with a cosine-decayed learning rate; every draw from seeded local generators, so a run is reproducible and
    /// independent of other tests. Returns the mean loss of the last 100 steps.
    /// </summary>
    public static double Train(IDiffusionModel model, long seed)
    {
        double lastLosses = 0;
        using var dataGenerator = new Generator((ulong)seed);
        using var lossGenerator = new Generator((ulong)seed + 1000);
        model.Network.train();
        using var optimizer = optim.AdamW(model.Network.parameters(), lr: PeakLearningRate, weight_decay: 0);
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            double rate = PeakLearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / Steps));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
            optimizer.zero_grad();
            var batch = RingMixture.Sample(BatchSize, dataGenerator);
            var loss = model.TrainingLoss(batch, null, lossGenerator);
            loss.backward();
            nn.utils.clip_grad_norm_(model.Network.parameters(), 1.0);
            optimizer.step();
            if (step >= Steps - 100) lastLosses += loss.item<float>() / 100;
        }
        model.Network.eval();
        return lastLosses;
    }

    /// <summary>The mean log-density of <paramref name="count"/> DDPM samples in <paramref name="steps"/> steps, and their mode shares.</summary>
    public static (double MeanLogDensity, double[] Shares) Score(IDiffusionModel model, int count, int steps, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var samples = model.Sample(Dsl.SamplerKind.Ddpm, new SampleRequest(count, Steps: steps) { Thresholding = Dsl.Thresholding.None }, generator);
        return (RingMixture.LogDensity(samples).mean().item<double>(), RingMixture.ModeShares(samples));
    }

    /// <summary>E_p[log p(x)] of the mixture itself, by Monte Carlo on <paramref name="count"/> points.</summary>
    public static double TrueMeanLogDensity(int count)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(99);
        return RingMixture.LogDensity(RingMixture.Sample(count, generator)).mean().item<double>();
    }
}
