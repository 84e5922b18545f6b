using Diffusion.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>
/// A diffusion loss's draws: made in the order the generated losses drew them inline (t, eps, then the dropout
/// uniforms), so single-process training is unchanged; and a batch's draws sliced by rows, as data-parallel ranks do.
/// </summary>
public class DiffusionDrawsTests
{
    [Fact]
    public void Draws_are_t_then_noise_then_dropout_uniforms_from_one_generator()
    {
        long[] shape = [6, 3, 4, 4];
        using var inline = new Generator(7);
        var t = randint(0, 1000, new long[] { 6 }, dtype: ScalarType.Int64, generator: inline);
        var noise = randn(shape, generator: inline);
        var uniforms = rand(new long[] { 6 }, generator: inline);

        using var generator = new Generator(7);
        var draws = DiffusionDraws.Draw(shape, CPU, 1000, labelDropout: true, generator);
        Assert.True(draws.Timesteps.equal(t).all().item<bool>());
        Assert.True(draws.Noise.equal(noise).all().item<bool>());
        Assert.True(draws.DropUniforms!.equal(uniforms).all().item<bool>());

        using var unconditional = new Generator(7);
        Assert.Null(DiffusionDraws.Draw(shape, CPU, 1000, labelDropout: false, unconditional).DropUniforms);
    }

    [Fact]
    public void Rows_are_the_batch_draws_rows_and_must_fit_the_batch()
    {
        using var generator = new Generator(3);
        var draws = DiffusionDraws.Draw([8, 1, 2, 2], CPU, 50, labelDropout: true, generator);
        var rows = draws.Rows(4, 4);
        Assert.True(rows.Noise.equal(draws.Noise[4..8]).all().item<bool>());
        Assert.True(rows.Timesteps.equal(draws.Timesteps[4..8]).all().item<bool>());
        Assert.True(rows.DropUniforms!.equal(draws.DropUniforms![4..8]).all().item<bool>());
        Assert.Equal(4, rows.Count);
        rows.Require([4, 1, 2, 2]);
        var e = Assert.Throws<System.ArgumentException>(() => rows.Require([8, 1, 2, 2]));
        Assert.Contains("(4, 1, 2, 2), not (8, 1, 2, 2)", e.Message);
    }
}
