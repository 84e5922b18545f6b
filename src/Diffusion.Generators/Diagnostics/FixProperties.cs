namespace Diffusion.Generators.Diagnostics;

/// <summary>
/// The keys of a diagnostic's Properties that describe its mechanical fix: the generator writes them (it has computed
/// the value the message suggests), Diffusion.CodeFixes reads them (this file is compiled into both). Values are C#
/// text; enum members and attributes are written with global:: names, which the fix simplifies against the file's
/// usings. One key, one offered fix.
/// </summary>
/// <remarks>
/// Where the edit is on another declaration than the one reported (the network a model names), the diagnostic's
/// first additional location points there: <see cref="SetPrefix"/> and <see cref="Add"/> edit at it when present, at
/// the diagnostic's location otherwise; <see cref="Remove"/> always removes the attribute at the diagnostic's location.
/// </remarks>
internal static class FixProperties
{
    /// <summary>"Set.PatchSize" = "2": give the attribute's named argument PatchSize that value, adding it if absent.</summary>
    public const string SetPrefix = "Set.";

    /// <summary>"Add" = "global::Diffusion.Dsl.Sampler(...)": add the attribute to the class, after its last one.</summary>
    public const string Add = "Add";

    /// <summary>"Remove" = "ClassifierFreeGuidance": remove the attribute (the value names it in the fix's title).</summary>
    public const string Remove = "Remove";

    /// <summary>The namespace prefix of the values' global:: names, which a fix's title leaves out.</summary>
    public const string DslPrefix = "global::Diffusion.Dsl.";
}
