using System.Linq;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class ExponentialMovingAverageTests
{
    [Fact]
    public void UpdateIsDecayTimesAveragePlusOneMinusDecayTimesWeights()
    {
        var model = new TinyDenoiser();
        var network = model.Network;
        using var ema = new ExponentialMovingAverage(network, decay: 0.9, warmup: false);
        var initial = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using (var noGrad = no_grad())
            foreach (var p in network.parameters()) p.add_(1.0);
        ema.Update(network);

        foreach (var (name, average) in ema.StateDict())
        {
            var expected = 0.9 * initial[name] + 0.1 * (initial[name] + 1.0);
            Assert.True(allclose(average, expected, rtol: 0, atol: 1e-6), name);
        }
        Assert.Equal(network.state_dict().Keys, ema.StateDict().Keys);
    }

    [Fact]
    public void WarmupDecayIsMinOfDecayAndOnePlusNOverTenPlusN()
    {
        var model = new TinyDenoiser();
        using var ema = new ExponentialMovingAverage(model.Network, decay: 0.5, warmup: true);
        Assert.Equal(0.1, ema.CurrentDecay, 12);
        ema.Update(model.Network);
        Assert.Equal(2.0 / 11.0, ema.CurrentDecay, 12);
        ema.UpdateCount = 1000;
        Assert.Equal(0.5, ema.CurrentDecay, 12);
    }

    [Fact]
    public void CopyToWritesTheAverageIntoTheNetwork()
    {
        var model = new TinyDenoiser(initSeed: 1);
        var other = new TinyDenoiser(initSeed: 2);
        using var ema = new ExponentialMovingAverage(model.Network);
        ema.CopyTo(other.Network);
        foreach (var (name, tensor) in other.Network.state_dict())
            Assert.True(tensor.equal(model.Network.state_dict()[name]).all().item<bool>(), name);
    }
}
