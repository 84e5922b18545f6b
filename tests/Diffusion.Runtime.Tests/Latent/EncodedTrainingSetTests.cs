using Diffusion.Runtime.Tests.Autoencoder;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>
/// The images through the frozen encoder: a batch is the posteriors' moments (mean, then log-variance) of exactly the
/// drawn images, cached once where they fit and encoded per batch where they do not.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class EncodedTrainingSetTests
{
    [Theory]
    [InlineData(EncodedTrainingSet.DefaultCacheLimitBytes, true, 12)]
    [InlineData(0L, false, 3)]
    public void A_batch_is_the_moments_of_the_drawn_images_cached_once_where_they_fit(long limit, bool cached, int encoded)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var autoencoder = new TinyAutoencoder();
        using var generator = new Generator(9);
        var images = rand(new long[] { 12, 1, 8, 8 }, generator: generator) * 2 - 1;
        var labels = arange(12, dtype: ScalarType.Int64);
        using var set = new EncodedTrainingSet(autoencoder, new TrainingData(images, labels), batchSize: 5, cacheLimitBytes: limit);
        long[] indices = [7, 2, 11];

        var (moments, batchLabels) = set.Batch(indices);

        using var noGrad = no_grad();
        using var posterior = autoencoder.Encode(images.index_select(0, tensor(indices)));
        Assert.Equal(new long[] { 3, 4, 4, 4 }, moments.shape);    // 2 x 2 latent channels at 4x4
        Assert.True(moments.narrow(1, 0, 2).allclose(posterior.Mean, rtol: 1e-5, atol: 1e-6));
        Assert.True(moments.narrow(1, 2, 2).allclose(posterior.LogVariance, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(indices, batchLabels!.data<long>().ToArray());
        Assert.Equal(cached, set.Cached);
        Assert.Equal(encoded, set.Encoded);
    }
}
