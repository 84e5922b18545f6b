using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Diffusion.Generators.Diagnostics;

/// <summary>The fix data of a diagnostic (see <see cref="FixProperties"/>) as key/value pairs, values as C# text.</summary>
internal static class Fix
{
    /// <summary>Set the named argument to <paramref name="expression"/>.</summary>
    public static (string Key, string Value) Set(string argument, string expression) => (FixProperties.SetPrefix + argument, expression);

    public static (string Key, string Value) Set(string argument, int value) => Set(argument, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Add the attribute, written without its "Attribute" suffix and with its arguments.</summary>
    public static (string Key, string Value) Add(string attribute) => (FixProperties.Add, FixProperties.DslPrefix + attribute);

    /// <summary>Remove the attribute at the diagnostic's location; <paramref name="name"/> is its short name.</summary>
    public static (string Key, string Value) Remove(string name) => (FixProperties.Remove, name);

    /// <summary>"global::Diffusion.Dsl.Prediction.Velocity".</summary>
    public static string Member<TEnum>(TEnum value)
        where TEnum : struct => FixProperties.DslPrefix + typeof(TEnum).Name + "." + value;

    /// <summary>"new[] { 1, 2 }", or "new int[0]" for none.</summary>
    public static string IntArray(IEnumerable<int> values)
    {
        var texts = values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList();
        return texts.Count == 0 ? "new int[0]" : "new[] { " + string.Join(", ", texts) + " }";
    }
}
