using System;
using Diffusion.Dsl;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A diffusion model declared with <see cref="ProgressiveDistillationAttribute"/>: the student of progressive
/// distillation (Salimans and Ho 2022, Algorithm 2). The generator implements it on every such class.
/// </summary>
public interface IDistillationStudent : IDiffusionModel
{
    /// <summary>The declared teacher class (the teacher of the first round).</summary>
    Type TeacherType { get; }

    /// <summary>The classifier-free guidance weight w the teacher is run at; the student bakes it in.</summary>
    double TeacherGuidanceScale { get; }

    /// <summary>
    /// The loss of one halving round for a batch x_0 (N, C, H, W) in [-1, 1] with labels (N, int64) or null: the
    /// student at <paramref name="studentSteps"/> steps learns two DDIM steps of <paramref name="teacher"/> (the declared
    /// teacher in the first round, the previous round's student after it) on the grid of
    /// <see cref="Training.DistillationGrid"/>. Every random draw comes from <paramref name="generator"/>; the teacher
    /// runs without gradients. Returns a scalar.
    /// </summary>
    Tensor DistillationLoss(IDiffusionModel teacher, int studentSteps, Tensor x0, Tensor? labels, Generator generator);
}
