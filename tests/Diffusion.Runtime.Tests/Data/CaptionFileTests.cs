using System.IO;
using System.Linq;
using System.Text;
using Diffusion.Runtime.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Data;

public sealed class CaptionFileTests
{
    private static string Write(TempFolder temp, string text) => Write(temp, Encoding.UTF8.GetBytes(text));

    private static string Write(TempFolder temp, byte[] bytes)
    {
        string path = temp.Combine("captions.tsv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Lines_give_path_and_trimmed_caption_skipping_comments_blank_lines_a_byte_order_mark_and_carriage_returns()
    {
        using var temp = new TempFolder();
        string path = Write(temp, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(
            "# a comment\r\n7/a.png\t a thick seven \r\n\n   \n7/a.png\tthe digit 7\n3/b c.png\tdrei, très dünn")]);

        var lines = CaptionFile.Read(path);

        Assert.Equal(
            [new CaptionLine(2, "7/a.png", "a thick seven"), new CaptionLine(5, "7/a.png", "the digit 7"), new CaptionLine(6, "3/b c.png", "drei, très dünn")],
            lines);
    }

    [Theory]
    [InlineData("7/a.png a thick seven", 1, "has no TAB")]
    [InlineData("7/a.png\tthick\tseven", 1, "more than one TAB")]
    [InlineData("# header\n7/a.png\t   ", 2, "empty caption")]
    [InlineData("../secret.png\tseven", 1, "escapes the folder")]
    [InlineData("7/../../secret.png\tseven", 1, "escapes the folder")]
    [InlineData("/etc/secret.png\tseven", 1, "is absolute")]
    [InlineData("7\\a.png\tseven", 1, "backslash")]
    [InlineData("7//a.png\tseven", 1, "empty or '.' part")]
    [InlineData("./a.png\tseven", 1, "empty or '.' part")]
    [InlineData("\tseven", 1, "is empty")]
    [InlineData("7/a.png\tseven\u0007", 1, "control character")]
    public void A_bad_line_is_refused_naming_the_file_and_the_line(string text, int line, string problem)
    {
        using var temp = new TempFolder();
        string path = Write(temp, text);

        var error = Assert.Throws<ImageDataException>(() => CaptionFile.Read(path));

        Assert.Contains($"'{path}' line {line} ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Invalid_utf8_a_caption_too_long_and_a_file_without_captions_are_refused()
    {
        using var temp = new TempFolder();
        string path = Write(temp, [.. Encoding.UTF8.GetBytes("7/a.png\tfine\n7/b.png\tbad "), 0xC3, 0x28]);
        Assert.Contains("line 2 is not valid UTF-8", Assert.Throws<ImageDataException>(() => CaptionFile.Read(path)).Message);

        Write(temp, "7/a.png\t" + new string('x', CaptionFile.MaxCaptionCharacters + 1));
        Assert.Contains($"line 1 has a caption of {CaptionFile.MaxCaptionCharacters + 1} characters", Assert.Throws<ImageDataException>(() => CaptionFile.Read(path)).Message);

        Write(temp, "# only a comment\n\n");
        Assert.Contains("holds no caption", Assert.Throws<ImageDataException>(() => CaptionFile.Read(path)).Message);
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_refused_naming_it()
    {
        using var temp = new TempFolder();
        Assert.Contains(temp.Combine("none.tsv"), Assert.Throws<ImageDataException>(() => CaptionFile.Read(temp.Combine("none.tsv"))).Message);
        Directory.CreateDirectory(temp.Combine("folder.tsv"));
        Assert.Contains(temp.Combine("folder.tsv"), Assert.Throws<ImageDataException>(() => CaptionFile.Read(temp.Combine("folder.tsv"))).Message);
    }
}
