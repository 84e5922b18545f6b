using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Sampling;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Distillation;
using Diffusion.Runtime.Tests.Latent;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Sampling;

/// <summary>
/// Which training steps the generated DDPM and DDIM samplers visit: pixel models from T - 1 (evenly spaced), latent
/// models from below it (latent diffusion's k (T div S)), and why: with an unclipped noise prediction the cosine
/// schedule's step T - 1 turns a small error into a large one (SamplingSteps).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SamplingStepsTests
{
    [Fact]
    public void Null_spacing_is_the_evenly_spaced_steps_and_a_named_one_is_diffusers_ascending()
    {
        Assert.Equal(NoiseSchedule.EvenlySpacedSteps(1000, 20), SamplingSteps.Ascending(1000, 20, null));
        // By hand: Leading is k (1000 div 20) = 50 k; Trailing round(1000 - 50 k) - 1 (Lin et al. 2024, Table 2).
        Assert.Equal(Enumerable.Range(0, 20).Select(k => 50 * k), SamplingSteps.Ascending(1000, 20, TimestepSpacing.Leading));
        Assert.Equal(Enumerable.Range(1, 20).Select(k => 50 * k - 1), SamplingSteps.Ascending(1000, 20, TimestepSpacing.Trailing));
    }

    [Fact]
    public void A_latent_model_starts_below_the_last_step_and_a_pixel_model_at_it()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var latent = new TinyLatentDiffusion();
        // T = 50, S = 5: leading is 10 k, descending; trailing 10 k - 1.
        Assert.Equal(new long[] { 40, 30, 20, 10, 0 }, Visited(latent, new SampleRequest(2, tensor(new long[] { 0, 1 }), Steps: 5) { Thresholding = Thresholding.None }));
        Assert.Equal(new long[] { 49, 39, 29, 19, 9 }, Visited(latent, new SampleRequest(2, tensor(new long[] { 0, 1 }), Steps: 5)
        {
            Thresholding = Thresholding.None,
            Spacing = TimestepSpacing.Trailing,
        }));
        // T = 1000, S = 5, evenly spaced with both ends: 0, 249.75, 499.5, 749.25, 999 rounded half away from zero.
        Assert.Equal(new long[] { 999, 749, 500, 250, 0 }, Visited(new TinyCosineModel(), new SampleRequest(2, Steps: 5)));
    }

    [Fact]
    public void Unclipped_noise_prediction_from_the_cosine_schedules_last_step_blows_up_and_from_below_it_does_not()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyCosineModel();
        var alphaBar = model.Schedule.AlphasCumprod;
        // Data N(0, I): x_t ~ N(0, I) at every t and the exact noise prediction is sqrt(1 - abar_t) x_t; add an error of
        // 0.01. From 950 the error stays 0.01-sized; from 999 x0_hat = (x_t - sqrt(1 - abar) eps_hat) / sqrt(abar)
        // multiplies it by about 2e4, and DDIM-20's next step keeps sqrt(abar_949) = 0.08 of that: about 16.
        Denoiser oracle = (x, t, _) => x * Math.Sqrt(1 - alphaBar[(int)t[0].item<long>()]) + 0.01;
        double Rms(TimestepSpacing? spacing)
        {
            var request = new SampleRequest(64, Steps: 20) { Thresholding = Thresholding.None, Spacing = spacing };
            using var generator = new Generator(5);
            var samples = model.Sample(SamplerKind.Ddim, request, generator, oracle);
            return samples.square().mean().sqrt().item<float>();
        }

        Assert.InRange(Rms(TimestepSpacing.Leading), 0.8, 1.2);    // the data's 1
        double fromLast = Rms(null);
        Assert.True(fromLast > 5, $"rms {fromLast}");
    }

    [Fact]
    public void A_distillation_student_refuses_a_spacing()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var student = new TinyConditionalStudent();
        var request = new SampleRequest(2, tensor(new long[] { 0, 1 }), Steps: 4) { Spacing = TimestepSpacing.Leading };
        using var generator = new Generator(1);
        var error = Assert.Throws<ArgumentException>(() => student.Sample(SamplerKind.Ddim, request, generator));
        Assert.Contains("TinyConditionalStudent samples on the grid its distillation rounds trained on", error.Message);
    }

    /// <summary>The training steps DDIM hands the network, in order (one call per step: no guidance).</summary>
    private static long[] Visited(IDiffusionModel model, SampleRequest request)
    {
        var visited = new List<long>();
        Denoiser recorder = (x, t, _) =>
        {
            visited.Add(t[0].item<long>());
            return zeros_like(x);
        };
        using var generator = new Generator(3);
        model.Sample(SamplerKind.Ddim, request, generator, recorder);
        return visited.ToArray();
    }
}
