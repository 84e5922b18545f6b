using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>
/// The declared diffusion model a consistency model distills, as far as its DDIM step needs it: its type (whose static
/// parameterization hub turns its output into x0_hat), what it predicts, whether its output carries variance values
/// after the prediction, and its classifier-free guidance weight (null when it declares none or is unconditional).
/// </summary>
internal sealed record TeacherSpec(TypeName Type, Prediction Predicts, bool LearnsVariance, double? GuidanceScale);
