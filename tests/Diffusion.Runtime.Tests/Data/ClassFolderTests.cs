using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Data;

/// <summary>Class folder names to labels: numbers are labels, names follow sorted code-point order, and the rest is refused.</summary>
public sealed class ClassFolderTests
{
    private static readonly ImageFolderOptions Digits = new(28, 28, 1, ImageFolderLayout.ClassConditional) { Classes = 10 };

    private static void Image(TempFolder temp, string folder, string name = "a.png") =>
        TempFolder.WriteGray(temp.Combine(folder, name), 28, 28, (x, y) => (byte)(x + y));

    [Fact]
    public void Folders_one_to_ten_are_refused_naming_ten_and_the_expected_zero_to_nine()
    {
        using var temp = new TempFolder();
        for (int n = 1; n <= 10; n++) Image(temp, n.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Digits));

        Assert.Equal(temp.Path, error.Path);
        Assert.Contains($"Class folders in '{temp.Path}' are numbered '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'", error.Message);
        Assert.Contains("10 classes are expected, numbered 0..9: folder '10' is outside them", error.Message);
    }

    [Fact]
    public void A_numbered_folder_is_its_label_even_with_others_missing()
    {
        using var temp = new TempFolder();
        Image(temp, "7");
        Image(temp, "3");

        using var data = ImageFolder.Load(temp.Path, Digits);

        Assert.Equal([3L, 7], data.Labels!.data<long>().ToArray());
        Assert.Equal(10, data.ClassNames.Count);
        Assert.Equal("7", data.ClassNames[7]);
        Assert.True(data.NumberedClasses);
    }

    [Fact]
    public void Two_folders_for_one_number_are_refused()
    {
        using var temp = new TempFolder();
        Image(temp, "1");
        Image(temp, "01");

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Digits));
        Assert.Contains($"Class folders '01' and '1' in '{temp.Path}'", error.Message);
        Assert.Contains("both name class 1", error.Message);
    }

    [Fact]
    public void Numbers_and_names_mixed_are_refused()
    {
        using var temp = new TempFolder();
        Image(temp, "0");
        Image(temp, "1");
        Image(temp, "cats");

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Digits));
        Assert.Contains("mix numbers ('0', '1') and names ('cats')", error.Message);
    }

    [Fact]
    public void Names_get_labels_in_code_point_order_as_torchvision_sorts_them()
    {
        // Ordinal UTF-16 order puts the emoji (a surrogate pair, 0xD83D...) before U+FF41; Python's sorted(), which
        // torchvision's ImageFolder uses, compares code points and puts U+1F600 last. Upper case sorts before lower.
        using var temp = new TempFolder();
        string emoji = "\U0001F600", fullwidth = "\uFF41";
        foreach (var name in new[] { "b", emoji, "B", fullwidth, "a" }) Image(temp, name);

        using var data = ImageFolder.Load(temp.Path, Digits);

        Assert.False(data.NumberedClasses);
        Assert.Equal(["B", "a", "b", fullwidth, emoji], data.ClassNames);
        Assert.Equal([0L, 1, 2, 3, 4], data.Labels!.data<long>().ToArray());
        Assert.EndsWith(Path.Combine(emoji, "a.png"), data.Files[4]);
    }

    [Fact]
    public void More_named_folders_than_classes_are_refused()
    {
        using var temp = new TempFolder();
        foreach (var name in new[] { "a", "b", "c" }) Image(temp, name);

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Digits with { Classes = 2 }));
        Assert.Contains("has 3 class folders ('a', 'b', 'c'), but 2 classes are expected", error.Message);
    }

    [Fact]
    public void A_file_given_as_the_folder_is_called_a_file()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("data.png");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(file, Digits));
        Assert.Equal($"Image folder '{file}' is a file, not a folder.", error.Message);
    }

    [Fact]
    public void Color_images_are_refused_in_user_terms()
    {
        using var temp = new TempFolder();
        TempFolder.WriteRgb(temp.Combine("3", "c.png"), 28, 28, (_, _) => (1, 2, 3));

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Digits));
        Assert.DoesNotContain("ConvertColor", error.Message);
        Assert.Contains("save it as a grayscale PNG, or skip it", error.Message);
    }
}
