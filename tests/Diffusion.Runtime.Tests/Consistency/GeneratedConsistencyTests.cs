using System;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Consistency;

/// <summary>
/// The generated consistency function, sampler and consistency-training loss (TinyConsistencyModel's
/// Consistency.g.cs), against the boundary condition, DenoiserConsistency, and the exact consistency function of
/// Gaussian data (Song et al. 2023; the closed forms are in LevelOracle and Scheduling/GaussianConsistencyTests).
/// </summary>
public class GeneratedConsistencyTests
{
    private const double Mu = 0.3, Tau = 0.5;

    /// <summary>Bit for bit: same shape and every element equal.</summary>
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    private static readonly double[] Levels = { 0.05, 0.3, 1.0, 2.5, 10.0, 40.0, 80.0, 0.021 };

    [Fact]
    public void AtSigmaMinTheFunctionIsTheIdentityExactly()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var model = new TinyConsistencyModel();
        var x = randn([8, 1, 4, 4], generator: generator) * 3;
        using var noGrad = no_grad();
        Assert.True(Same(model.Consistency(x, tensor(TinyConsistencyModel.SigmaMin), null), x));
        Assert.True(Same(model.Consistency(x, full([8], TinyConsistencyModel.SigmaMin), null), x));
        // Away from s_min the network's output counts: the assertion above could fail.
        Assert.False(Same(model.Consistency(x, tensor(1.0), null), x));
    }

    [Fact]
    public void TheExactGaussianDenoiserGivesDenoiserConsistencysValue()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var model = new TinyConsistencyModel();
        var oracle = new LevelOracle(model.Schedule, (x, s) => (x - Mu) * (Tau * Tau / (s * s + Tau * Tau)) + Mu);
        var sigma = tensor(Levels, dtype: ScalarType.Float64);
        var x = randn([Levels.Length, 1, 4, 4], dtype: ScalarType.Float64, generator: generator) * (sigma * sigma + Tau * Tau).sqrt().reshape(-1, 1, 1, 1) + Mu;

        var f = model.Consistency(x, sigma, null, oracle.Denoiser);

        var s = sigma.reshape(-1, 1, 1, 1);
        var expected = DenoiserConsistency.Apply(x, (x - Mu) * (Tau * Tau / (s * s + Tau * Tau)) + Mu, sigma, TinyConsistencyModel.Scalings);
        double error = (f - expected).abs().max().item<double>();
        Assert.True(error < 1e-12, $"max |f - DenoiserConsistency| = {error}");
    }

    [Fact]
    public void TheOutputImpliedByTheExactConsistencyFunctionGivesItExactly()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var model = new TinyConsistencyModel();
        var scalings = TinyConsistencyModel.Scalings;
        var oracle = new LevelOracle(model.Schedule, (x, s) => LevelOracle.CleanSampleOf(
            LevelOracle.ExactConsistency(x, s, Mu, Tau, scalings.SigmaMin), x, s, scalings));
        var sigma = tensor(Levels, dtype: ScalarType.Float64);
        var x = randn([Levels.Length, 1, 4, 4], dtype: ScalarType.Float64, generator: generator) * 5;

        var f = model.Consistency(x, sigma, null, oracle.Denoiser);

        var exact = LevelOracle.ExactConsistency(x, sigma.reshape(-1, 1, 1, 1), Mu, Tau, scalings.SigmaMin);
        double error = (f - exact).abs().max().item<double>();
        Assert.True(error < 1e-10, $"max |f - f*| = {error}");
        // The posterior mean is not the consistency function: the same check fails for D* itself.
        var posterior = new LevelOracle(model.Schedule, (y, s) => (y - Mu) * (Tau * Tau / (s * s + Tau * Tau)) + Mu);
        Assert.True((model.Consistency(x, sigma, null, posterior.Denoiser) - exact).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void ConsistencySamplingWithOneStepIsOneApplicationOfF()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyConsistencyModel();
        using var sampling = new Generator(6);
        var sampled = model.SampleConsistency(new SampleRequest(4, Steps: 1), sampling);

        using var noGrad = no_grad();
        using var generator = new Generator(6);
        using Scalar sigmaMax = TinyConsistencyModel.SigmaMax;
        var start = randn([4, 1, 4, 4], generator: generator).mul_(sigmaMax);
        var oneStep = model.Consistency(start, tensor(TinyConsistencyModel.SigmaMax, dtype: ScalarType.Float32), null)
            .clamp(-1.0, 1.0);
        Assert.True(Same(sampled, oneStep), "SampleConsistency with K = 1 differs from f(s_max z, s_max)");
        Assert.Equal(model.Sample(Diffusion.Dsl.SamplerKind.Consistency, new SampleRequest(4, Steps: 1), new Generator(6)).shape, sampled.shape);
    }

    [Fact]
    public void TheTrainingLossIsZeroForTheExactConsistencyFunctionAndPositiveOtherwise()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyConsistencyModel();
        var scalings = TinyConsistencyModel.Scalings;
        // Data at one point mu (tau = 0): x_0 + s z of the same z lie on one ODE path, so f*(x_i, s_i) = f*(x_{i+1},
        // s_{i+1}) = mu + s_min z and the loss is 0 term by term. For tau > 0 it is not 0 at finite N, only in the limit.
        var x0 = full([32, 1, 4, 4], Mu, dtype: ScalarType.Float64);
        var exact = new LevelOracle(model.Schedule, (x, s) => LevelOracle.CleanSampleOf(
            LevelOracle.ExactConsistency(x, s, Mu, 0.0, scalings.SigmaMin), x, s, scalings));
        var denoiser = new LevelOracle(model.Schedule, (x, s) => zeros_like(x) + Mu);    // D* = mu: the posterior mean
        foreach (long step in new long[] { 1, 50, 100 })
        {
            using var g1 = new Generator(7);
            double zero = model.ConsistencyTrainingLoss(x0, null, g1, step, 100, exact.Denoiser).item<double>();
            using var g2 = new Generator(7);
            double positive = model.ConsistencyTrainingLoss(x0, null, g2, step, 100, denoiser.Denoiser).item<double>();
            Assert.True(zero < 1e-18, $"step {step}: loss of f* = {zero}");
            Assert.True(positive > 1e-4, $"step {step}: loss of the posterior mean = {positive}");
        }
    }
}
