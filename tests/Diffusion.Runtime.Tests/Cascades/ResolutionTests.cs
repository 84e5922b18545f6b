using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>The cascade's resolution changes against values computed by hand.</summary>
public class ResolutionTests
{
    [Fact]
    public void The_area_average_of_a_4x4_image_is_the_mean_of_each_2x2_block()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var image = tensor(new float[]
        {
            1, 3, 0, 0,
            5, 7, 0, 4,
            -1, -1, 2, 2,
            -1, -1, 2, 6,
        }).reshape(1, 1, 4, 4);
        // (1 + 3 + 5 + 7) / 4 = 4, (0 + 0 + 0 + 4) / 4 = 1, -1, (2 + 2 + 2 + 6) / 4 = 3
        var expected = new float[] { 4, 1, -1, 3 };

        var low = Resolution.AreaDownsample(image, 2);

        Assert.Equal(new long[] { 1, 1, 2, 2 }, low.shape);
        Assert.Equal(expected, low.reshape(-1).data<float>().ToArray());
    }

    [Fact]
    public void Bilinear_upsampling_of_a_row_a_b_is_a_three_quarters_a_quarter_b()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        // Rows (a, b) = (4, 8) and (0, -4): half-pixel centres give a, 3a/4 + b/4, a/4 + 3b/4, b along a row, the same
        // down a column.
        var image = tensor(new float[] { 4, 8, 0, -4 }).reshape(1, 1, 2, 2);
        float[] Row(float a, float b) => new[] { a, 0.75f * a + 0.25f * b, 0.25f * a + 0.75f * b, b };
        var top = Row(4, 8);           // 4, 5, 7, 8
        var bottom = Row(0, -4);       // 0, -1, -3, -4
        var expected = new float[16];
        for (int j = 0; j < 4; j++)
        {
            var column = Row(top[j], bottom[j]);
            for (int i = 0; i < 4; i++) expected[i * 4 + j] = column[i];
        }

        var up = Resolution.Upsample(image, 4);

        Assert.Equal(new long[] { 1, 1, 4, 4 }, up.shape);
        var actual = up.reshape(-1).data<float>().ToArray();
        for (int k = 0; k < 16; k++) Assert.Equal(expected[k], actual[k], 6);
    }

    [Fact]
    public void A_factor_that_does_not_divide_the_image_is_refused()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        Assert.Throws<System.ArgumentException>(() => Resolution.AreaDownsample(zeros(1, 1, 6, 6), 4));
    }
}
