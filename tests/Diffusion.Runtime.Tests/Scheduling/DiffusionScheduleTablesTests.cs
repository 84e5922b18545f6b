using System;
using System.Linq;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// The tables: improved-diffusion's float64 linear and cosine schedules (as NoiseSchedule computes them) reproduced in
/// float64, diffusers' unscaled ends beside the 1000/T default, zero terminal SNR, and AddNoise/GetVelocity against
/// their closed forms.
/// </summary>
public class DiffusionScheduleTablesTests
{
    /// <summary>In float64, the default linear schedule (ends scaled by 1000 / T) equals NoiseSchedule.Linear for every T tried.</summary>
    [Theory]
    [InlineData(1000)]
    [InlineData(250)]
    [InlineData(100)]
    public void Float64LinearDefaultEqualsImprovedDiffusion(int timesteps)
    {
        TestTorch.Init();
        using var tables = new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = timesteps, DType = ScalarType.Float64 });
        var reference = NoiseSchedule.Linear(timesteps);
        for (int i = 0; i < timesteps; i++)
        {
            Assert.Equal(reference.Betas[i], tables.Betas[i], 1e-15);
            Assert.True(Math.Abs(reference.AlphasCumprod[i] - tables.AlphasCumprod[i]) <= 1e-13 * reference.AlphasCumprod[i] + 1e-300,
                $"abar[{i}] = {tables.AlphasCumprod[i]} vs {reference.AlphasCumprod[i]}");
        }
    }

    /// <summary>In float64, squaredcos_cap_v2 equals NoiseSchedule.Cosine (Nichol and Dhariwal 2021, Eq. 17).</summary>
    [Fact]
    public void Float64CosineEqualsImprovedDiffusion()
    {
        TestTorch.Init();
        using var tables = new DiffusionScheduleTables(new SchedulerConfig { BetaSchedule = BetaSchedule.SquaredCosCapV2, DType = ScalarType.Float64 });
        var reference = NoiseSchedule.Cosine(1000);
        for (int i = 0; i < 1000; i++) Assert.Equal(reference.Betas[i], tables.Betas[i], 1e-12);
    }

    /// <summary>At T = 250, the default scales the ends to 4e-4 and 0.08; diffusers' AsGiven keeps 1e-4 and 0.02.</summary>
    [Fact]
    public void LinearEndsAreScaledByDefaultAndAsGivenOnRequest()
    {
        TestTorch.Init();
        using var scaled = new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = 250, DType = ScalarType.Float64 });
        using var given = new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = 250, LinearEnds = LinearBetaEnds.AsGiven, DType = ScalarType.Float64 });
        Assert.Equal(4e-4, scaled.Betas[0], 1e-15);
        Assert.Equal(0.08, scaled.Betas[^1], 1e-15);
        Assert.Equal(1e-4, given.Betas[0], 1e-15);
        Assert.Equal(0.02, given.Betas[^1], 1e-15);
    }

    /// <summary>The float32 default holds float32 values: 0.02 is stored as the float nearest to it, as torch.linspace(..., float32) does.</summary>
    [Fact]
    public void Float32TablesHoldFloat32Values()
    {
        TestTorch.Init();
        using var tables = new DiffusionScheduleTables(new SchedulerConfig());
        Assert.Equal((double)0.02f, tables.Betas[^1]);
        Assert.NotEqual(0.02, tables.Betas[^1]);
        Assert.All(tables.AlphasCumprod, a => Assert.Equal((double)(float)a, a));
    }

    /// <summary>
    /// Zero terminal SNR (Lin et al. 2024, Algorithm 1): abar_{T-1} = 0 and beta_{T-1} = 1, abar_0 kept, and in float64 the
    /// betas equal NoiseSchedule.RescaleToZeroTerminalSnr.
    /// </summary>
    [Fact]
    public void ZeroTerminalSnrMatchesTheExistingRescaling()
    {
        TestTorch.Init();
        using var tables = new DiffusionScheduleTables(new SchedulerConfig { RescaleBetasZeroSnr = true, DType = ScalarType.Float64 });
        var reference = NoiseSchedule.Linear(1000).RescaleToZeroTerminalSnr();
        Assert.Equal(0.0, tables.AlphasCumprod[^1], 1e-15);
        Assert.Equal(1.0, tables.Betas[^1], 1e-15);
        Assert.Equal(1e-4, tables.Betas[0], 1e-15);
        for (int i = 0; i < 999; i++) Assert.Equal(reference.Betas[i], tables.Betas[i], 1e-12);
    }

    /// <summary>Betas outside (0, 1] are refused, naming the property: BetaEnd = 2 (diffusers' test_betas runs it unchecked) and 1000/T scaling at T = 10.</summary>
    [Fact]
    public void BetasOutsideTheUnitIntervalAreRefused()
    {
        TestTorch.Init();
        Assert.Equal("BetaEnd", Assert.Throws<ArgumentOutOfRangeException>(() => new DiffusionScheduleTables(new SchedulerConfig { BetaEnd = 2 })).ParamName);
        var scaled = Assert.Throws<ArgumentOutOfRangeException>(() => new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = 10 }));
        Assert.Equal("BetaEnd", scaled.ParamName);
        Assert.Contains("AsGiven", scaled.Message);
        using var unscaled = new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = 10, LinearEnds = LinearBetaEnds.AsGiven });
        Assert.Equal("TrainedBetas", Assert.Throws<ArgumentException>(() => new DiffusionScheduleTables(new SchedulerConfig { NumTrainTimesteps = 3, TrainedBetas = [0.1, 0.2] })).ParamName);
    }

    /// <summary>
    /// AddNoise and GetVelocity with one timestep per sample equal x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al.
    /// 2020, Eq. 4) and v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4) computed in C# doubles
    /// from NoiseSchedule's tables.
    /// </summary>
    [Fact]
    public void AddNoiseAndVelocityFollowTheirClosedForms()
    {
        TestTorch.Init();
        using var tables = new DiffusionScheduleTables(new SchedulerConfig { DType = ScalarType.Float64 });
        var reference = NoiseSchedule.Linear(1000);
        using var scope = NewDisposeScope();
        using var generator = new Generator(17);
        var x0 = randn([3, 5], dtype: ScalarType.Float64, generator: generator);
        var eps = randn([3, 5], dtype: ScalarType.Float64, generator: generator);
        long[] steps = [0, 499, 999];
        var noisy = tables.AddNoise(x0, eps, tensor(steps));
        var velocity = tables.GetVelocity(x0, eps, tensor(steps));
        for (int n = 0; n < 3; n++)
        {
            double a = reference.AlphasCumprod[(int)steps[n]];
            for (int j = 0; j < 5; j++)
            {
                double x = x0[n, j].item<double>(), e = eps[n, j].item<double>();
                Assert.Equal(Math.Sqrt(a) * x + Math.Sqrt(1 - a) * e, noisy[n, j].item<double>(), 1e-12);
                Assert.Equal(Math.Sqrt(a) * e - Math.Sqrt(1 - a) * x, velocity[n, j].item<double>(), 1e-12);
            }
        }
        Assert.Equal("timesteps", Assert.Throws<ArgumentException>(() => tables.AddNoise(x0, eps, tensor(new long[] { 1, 2 }))).ParamName);
        Assert.Equal("timesteps", Assert.Throws<ArgumentOutOfRangeException>(() => tables.AddNoise(x0, eps, tensor(1000L))).ParamName);
    }

    /// <summary>
    /// The prediction hub inverts itself: v from GetVelocity, given to a v-prediction DDIM step to the same timestep,
    /// gives back x0 as pred_original_sample (Salimans and Ho 2022, Appendix D).
    /// </summary>
    [Fact]
    public void VelocityRoundTripsThroughTheStep()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(new SchedulerConfig { PredictionType = PredictionType.VPrediction, ClipSample = false, DType = ScalarType.Float64 });
        using var scope = NewDisposeScope();
        using var generator = new Generator(23);
        var x0 = randn([2, 3, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var eps = randn([2, 3, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var t = tensor(new long[] { 250, 750 });
        var xt = scheduler.AddNoise(x0, eps, t);
        var v = scheduler.GetVelocity(x0, eps, t);
        var step = scheduler.Step(v, t, xt, previousTimestep: tensor(new long[] { 100, 10 }));
        Assert.True(step.PredOriginalSample.allclose(x0, rtol: 1e-10, atol: 1e-10));
    }
}
