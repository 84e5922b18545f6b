namespace Diffusion.Generators.Model;

/// <summary>
/// A [ConsistencyModel] on a [DiffusionModel] declaration: the noise range, sigma_data, rho, and the teacher to
/// distill (null: consistency training from data).
/// </summary>
internal sealed record ConsistencySpec(
    double SigmaMin,
    double SigmaMax,
    double SigmaData,
    double Rho,
    TeacherSpec? Teacher);
