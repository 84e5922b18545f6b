namespace Diffusion.Generators.Model;

/// <summary>
/// What parsing one declaration gives: a spec to emit (null when the declaration has errors) and its diagnostics.
/// </summary>
internal sealed record DeclarationResult<TSpec>(TSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    where TSpec : class
{
    public static DeclarationResult<TSpec> Nothing { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty);
}
