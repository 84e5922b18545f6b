using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Model;

/// <summary>
/// A diagnostic as pipeline data: descriptor, where, the message arguments, and what a code fix needs
/// (<see cref="Diagnostics.FixProperties"/>): its properties and the additional location of an edit elsewhere.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    LocationInfo? Location,
    EquatableArray<string> Arguments,
    EquatableArray<LocationInfo> AdditionalLocations,
    EquatableArray<(string Key, string Value)> Properties)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        var texts = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            texts[i] = arguments[i] is System.IFormattable formattable
                ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)
                : arguments[i]?.ToString() ?? "null";
        }
        return new DiagnosticInfo(descriptor, location, new EquatableArray<string>(texts), default, default);
    }

    /// <summary>This diagnostic with the data of its fixes, which edit at its own location.</summary>
    public DiagnosticInfo WithFix(params (string Key, string Value)[] properties) =>
        this with { Properties = new EquatableArray<(string, string)>(Properties.Concat(properties)) };

    /// <summary>
    /// This diagnostic with fixes that edit at <paramref name="target"/> (another declaration); none when the target
    /// has no syntax to edit.
    /// </summary>
    public DiagnosticInfo WithFix(LocationInfo? target, params (string Key, string Value)[] properties) =>
        target is null ? this : WithFix(properties) with { AdditionalLocations = new EquatableArray<LocationInfo>(new[] { target }) };

    /// <summary>
    /// This diagnostic with the fix that sets <paramref name="argument"/> to the value its message suggests: message
    /// argument <paramref name="toArgument"/> ("for example {2}").
    /// </summary>
    public DiagnosticInfo FixBySetting(string argument, int toArgument) =>
        WithFix(Diagnostics.Fix.Set(argument, Arguments[toArgument]));

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[Arguments.Length];
        for (int i = 0; i < arguments.Length; i++) arguments[i] = Arguments[i];
        var properties = ImmutableDictionary.CreateRange(Properties.Select(p => new System.Collections.Generic.KeyValuePair<string, string?>(p.Key, p.Value)));
        return Diagnostic.Create(
            Descriptor,
            Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None,
            AdditionalLocations.Select(l => l.ToLocation()),
            properties,
            arguments);
    }
}
