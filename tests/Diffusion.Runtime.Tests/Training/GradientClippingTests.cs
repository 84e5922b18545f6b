using System;
using System.Linq;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class GradientClippingTests
{
    [Fact]
    public void ScalesAllGradientsToTheGlobalNormAndReturnsTheNormBefore()
    {
        TestTorch.Init();
        torch.manual_seed(5);
        var module = nn.Linear(4, 3);
        var parameters = module.parameters().ToArray();
        parameters[0].grad = full(parameters[0].shape, 2.0f);  // 12 entries of 2: sum of squares 48
        parameters[1].grad = full(parameters[1].shape, 1.0f);  // 3 entries of 1: sum of squares 3
        double expectedNorm = Math.Sqrt(51);

        double norm = GradientClipping.ClipByGlobalNorm(parameters, 1.0);

        Assert.Equal(expectedNorm, norm, 5);
        double after = Math.Sqrt(parameters.Sum(p => p.grad!.pow(2).sum().item<float>()));
        Assert.Equal(1.0, after, 4);
        Assert.Equal(2.0 / (expectedNorm + 1e-6), parameters[0].grad!.max().item<float>(), 5);
    }

    [Fact]
    public void LeavesSmallGradientsAlone()
    {
        TestTorch.Init();
        var module = nn.Linear(2, 1);
        var parameters = module.parameters().ToArray();
        parameters[0].grad = full(parameters[0].shape, 0.1f);
        parameters[1].grad = full(parameters[1].shape, 0.1f);
        GradientClipping.ClipByGlobalNorm(parameters, 10.0);
        Assert.Equal(0.1f, parameters[0].grad!.max().item<float>(), 6);
    }
}
