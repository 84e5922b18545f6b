using System;
using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Distillation;

/// <summary>
/// A declared teacher whose network is replaced by an exact denoiser: its generated Predict (guidance and hub
/// included) runs on the oracle; every other member is the declared model's.
/// </summary>
internal sealed class OracleTeacher(IDiffusionModel model, Denoiser oracle) : IDiffusionModel
{
    public (Tensor Noise, Tensor CleanSample) Predict(Tensor x, Tensor t, Tensor? labels, double guidanceScale = 1.0, Denoiser? denoiser = null) =>
        model.Predict(x, t, labels, guidanceScale, denoiser ?? oracle);

    public NoiseSchedule Schedule => model.Schedule;

    public nn.Module Network => model.Network;

    public ModelDescription Description => model.Description;

    public IReadOnlyList<SamplerKind> Samplers => model.Samplers;

    public double? ClassifierFreeGuidanceScale => model.ClassifierFreeGuidanceScale;

    public Tensor Denoise(Tensor x, Tensor t, Tensor? labels) => oracle(x, t, labels);

    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator) => model.TrainingLoss(x0, labels, generator);

    public Tensor VariationalBoundTerms(Tensor x0, Tensor xt, Tensor t, Tensor output) => model.VariationalBoundTerms(x0, xt, t, output);

    public Tensor Sample(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, Action<int, Tensor>? onStep = null) =>
        model.Sample(sampler, request, generator, denoiser ?? oracle, onStep);
}
