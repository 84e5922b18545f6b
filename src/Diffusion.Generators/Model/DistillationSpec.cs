namespace Diffusion.Generators.Model;

/// <summary>A [ProgressiveDistillation] on a [DiffusionModel]: the student's teacher and the guidance it is run at.</summary>
/// <param name="Teacher">The teacher's [DiffusionModel] class (same network and schedule as the student).</param>
/// <param name="Guidance">The classifier-free guidance weight w the teacher runs at: the attribute's Guidance, else the
/// teacher's declared [ClassifierFreeGuidance] Scale, else 1.</param>
internal sealed record DistillationSpec(TypeName Teacher, double Guidance)
{
    /// <summary>Whether the teacher runs both passes (w other than 1 and 0): the student then bakes w in.</summary>
    public bool Guided => Guidance != 1.0 && Guidance != 0.0;
}
