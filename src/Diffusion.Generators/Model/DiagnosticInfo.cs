using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Model;

/// <summary>A diagnostic as pipeline data: descriptor, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
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
        return new DiagnosticInfo(descriptor, location, new EquatableArray<string>(texts));
    }

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[Arguments.Length];
        for (int i = 0; i < arguments.Length; i++) arguments[i] = Arguments[i];
        return Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, arguments);
    }
}
