using System;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// One round of progressive distillation (Salimans and Ho 2022, Algorithm 2) as an <see cref="ITrainableModel"/>, so
/// the <see cref="Trainer"/> runs it unchanged (checkpoints, EMA, exact resume, time budget): its
/// <see cref="Network"/> and <see cref="Description"/> are the student's, and its <see cref="TrainingLoss"/> is the
/// student's <see cref="IDistillationStudent.DistillationLoss"/> against the frozen teacher at
/// <see cref="StudentSteps"/> steps.
/// </summary>
/// <remarks>
/// Contract for a caller running several rounds: round one pairs a student made from the declared teacher (the
/// generated <c>FromTeacher</c>) with that teacher at S steps, the teacher at 2S; each later round makes a fresh copy of
/// the previous student (<c>FromTeacher</c> of the student type), uses the previous student as the teacher and halves
/// S. The teacher is put in evaluation mode here and never trained: the loss runs it under no_grad, and only the
/// student's parameters are in <see cref="Network"/>. A checkpoint holds the student's weights only, so a resumed
/// round needs the same teacher weights and the same S (keep them beside the run).
/// </remarks>
public sealed class DistillationRound : ITrainableModel
{
    /// <summary>A round in which <paramref name="student"/> learns two steps of <paramref name="teacher"/> per step of its own.</summary>
    /// <param name="student">The student being trained (its network is what the trainer updates).</param>
    /// <param name="teacher">The frozen teacher: the declared teacher, or the previous round's student.</param>
    /// <param name="studentSteps">S, the student's steps this round (the teacher takes 2S); a power of two.</param>
    public DistillationRound(IDistillationStudent student, IDiffusionModel teacher, int studentSteps)
    {
        Student = student ?? throw new ArgumentNullException(nameof(student));
        Teacher = teacher ?? throw new ArgumentNullException(nameof(teacher));
        if (ReferenceEquals(student, teacher) || ReferenceEquals(student.Network, teacher.Network))
            throw new ArgumentException("The teacher must be a separate copy: the student trains its own network.", nameof(teacher));
        // Checks S against the schedule now rather than at the first step.
        DistillationGrid.Trailing(student.Schedule, studentSteps);
        StudentSteps = studentSteps;
        Teacher.Network.eval();
    }

    /// <summary>The student being trained.</summary>
    public IDistillationStudent Student { get; }

    /// <summary>The frozen teacher.</summary>
    public IDiffusionModel Teacher { get; }

    /// <summary>S, the student's steps this round.</summary>
    public int StudentSteps { get; }

    /// <summary>The student's network: what training updates and checkpoints hold.</summary>
    public nn.Module Network => Student.Network;

    /// <summary>The student's description.</summary>
    public ModelDescription Description => Student.Description;

    /// <summary>The student's distillation loss against the teacher at <see cref="StudentSteps"/> steps.</summary>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator) =>
        Student.DistillationLoss(Teacher, StudentSteps, x0, labels, generator);
}
