using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Diffusion.Runtime.Data;

/// <summary>
/// How class folder names become labels, the rule of <see cref="ImageFolderLayout.ClassConditional"/>.
/// </summary>
/// <remarks>
/// <para>
/// Numbered folders (names of ASCII digits only) are their labels: <c>3/</c> holds label 3, whatever other folders
/// exist. The earlier rule, a folder's index in sorted order, silently trained folders <c>1..10</c> as labels 0..9,
/// every digit under its neighbour's label; with the number as the label, that layout is instead refused because
/// <c>10</c> lies outside the declared classes 0..9. Two folders for one number (<c>1</c> and <c>01</c>) are refused,
/// and so is a number at or above the declared class count.
/// </para>
/// <para>
/// Named folders get labels in sorted order, as torchvision's <c>ImageFolder</c> does (Python sorts strings by code
/// point, which is what <see cref="CompareCodePoints"/> does; .NET's ordinal comparison differs from it for characters
/// outside the Basic Multilingual Plane). More named folders than declared classes are refused.
/// </para>
/// <para>Mixing numbered and named folders is refused: there is no order that is obviously right.</para>
/// </remarks>
internal static class ClassFolderLabels
{
    /// <summary>Numbered folders without a declared class count may go up to this label.</summary>
    public const int MaxUndeclaredLabel = 65535;

    /// <summary>The labels of <paramref name="folderNames"/> (in the same order) and the name of each label.</summary>
    /// <param name="root">The image folder, for messages.</param>
    /// <param name="folderNames">The class folders' names.</param>
    /// <param name="classes">The declared class count, or null when the caller does not know it.</param>
    /// <param name="numbered">True when the folders are numbered (each label is its folder's number).</param>
    /// <returns>
    /// The label of each folder and the class names by label: for numbered folders one per label from 0 to the
    /// declared count (or the largest number) minus one, a label without a folder named by its number; for named
    /// folders the folder names in sorted order.
    /// </returns>
    /// <exception cref="ImageDataException">The names break a rule above; the message lists what was found and what was expected.</exception>
    public static (int[] Labels, string[] ClassNames) Assign(string root, IReadOnlyList<string> folderNames, int? classes, out bool numbered)
    {
        var numbers = folderNames.Where(IsNumber).ToList();
        var names = folderNames.Where(n => !IsNumber(n)).ToList();
        numbered = names.Count == 0;
        if (numbers.Count > 0 && names.Count > 0)
            throw new ImageDataException(root, $"Class folders in '{root}' mix numbers ({List(numbers, StringComparer.Ordinal)}) and names "
                + $"({List(names, Comparer<string>.Create(CompareCodePoints))}); name them all by number (the number is the label) or all by name "
                + "(labels follow sorted order).");

        var labels = new int[folderNames.Count];
        if (numbered)
        {
            var byLabel = new Dictionary<int, string>();
            for (int i = 0; i < folderNames.Count; i++)
            {
                string name = folderNames[i];
                int label = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : int.MaxValue;
                int limit = classes ?? MaxUndeclaredLabel + 1;
                if (label >= limit)
                    throw new ImageDataException(root, classes is { } count
                        ? $"Class folders in '{root}' are numbered {List(numbers, NumericOrder)}, but {count} classes are expected, "
                          + $"numbered 0..{count - 1}: folder '{name}' is outside them. A numbered folder's name is its label; rename the folders 0..{count - 1}."
                        : $"Class folder '{name}' in '{root}' names label {name}; numbered class folders go up to {MaxUndeclaredLabel} unless a class count is declared.");
                if (byLabel.TryGetValue(label, out string? other))
                    throw new ImageDataException(root, $"Class folders '{other}' and '{name}' in '{root}' both name class {label}; keep one of them.");
                byLabel[label] = name;
                labels[i] = label;
            }

            int length = classes ?? (byLabel.Count == 0 ? 0 : byLabel.Keys.Max() + 1);
            var classNames = new string[length];
            for (int label = 0; label < length; label++)
                classNames[label] = byLabel.TryGetValue(label, out string? name) ? name : label.ToString(CultureInfo.InvariantCulture);
            return (labels, classNames);
        }

        var sorted = names.OrderBy(n => n, Comparer<string>.Create(CompareCodePoints)).ToArray();
        if (classes is { } declared && sorted.Length > declared)
            throw new ImageDataException(root, $"'{root}' has {sorted.Length} class folders ({List(sorted, Comparer<string>.Create(CompareCodePoints))}), "
                + $"but {declared} classes are expected.");
        var index = sorted.Select((name, label) => (name, label)).ToDictionary(p => p.name, p => p.label, StringComparer.Ordinal);
        for (int i = 0; i < folderNames.Count; i++) labels[i] = index[folderNames[i]];
        return (labels, sorted);
    }

    /// <summary>True for a name of ASCII digits only.</summary>
    public static bool IsNumber(string name) => name.Length > 0 && name.All(c => c is >= '0' and <= '9');

    /// <summary>
    /// Compares by Unicode code point, as Python's string order does: UTF-16 ordinal order except that surrogate pairs
    /// (code points above U+FFFF) sort after U+E000..U+FFFF.
    /// </summary>
    public static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] == b[i]) continue;
            return Key(a[i]).CompareTo(Key(b[i]));
        }
        return a.Length.CompareTo(b.Length);

        static int Key(char c) => c switch
        {
            >= '\uD800' and <= '\uDFFF' => c + 0x2000,
            >= '\uE000' => c - 0x800,
            _ => c,
        };
    }

    private static readonly Comparer<string> NumericOrder = Comparer<string>.Create((x, y) =>
    {
        string tx = x.TrimStart('0'), ty = y.TrimStart('0');
        int byLength = tx.Length.CompareTo(ty.Length);
        return byLength != 0 ? byLength : string.CompareOrdinal(tx, ty) is var c && c != 0 ? c : string.CompareOrdinal(x, y);
    });

    /// <summary>Up to 12 names, sorted, quoted and comma-separated; "and N more" beyond.</summary>
    private static string List(IEnumerable<string> names, IComparer<string> order)
    {
        var sorted = names.OrderBy(n => n, order).ToList();
        string shown = string.Join(", ", sorted.Take(12).Select(n => $"'{n}'"));
        return sorted.Count > 12 ? $"{shown} and {sorted.Count - 12} more" : shown;
    }
}
