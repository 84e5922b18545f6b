using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class AdamWTests
{
    private static (Linear A, Linear B) TwinModules()
    {
        TestTorch.Init();
        torch.manual_seed(3);
        var a = nn.Linear(5, 3);
        var b = nn.Linear(5, 3);
        using var noGrad = no_grad();
        foreach (var (name, p) in b.named_parameters()) p.copy_(a.get_parameter(name)!);
        return (a, b);
    }

    private static Tensor[] FixedGrads(nn.Module module, int step)
    {
        using var generator = new Generator((ulong)(100 + step));
        return module.parameters().Select(p => randn(p.shape, generator: generator)).ToArray();
    }

    private static void SetGrads(nn.Module module, Tensor[] grads)
    {
        var parameters = module.parameters().ToArray();
        for (int i = 0; i < parameters.Length; i++) parameters[i].grad = grads[i].clone();
    }

    [Fact]
    public void FiveStepsMatchTorchSharpAdamW()
    {
        var (ours, reference) = TwinModules();
        using var optimizer = new Diffusion.Runtime.Training.AdamW(ours.named_parameters().Select(p => (p.name, p.parameter)),
            learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1);
        var torchOptimizer = torch.optim.AdamW(reference.parameters(), lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-8, weight_decay: 0.1);

        for (int step = 0; step < 5; step++)
        {
            var grads = FixedGrads(ours, step);
            SetGrads(ours, grads);
            SetGrads(reference, grads);
            optimizer.Step();
            torchOptimizer.step();
        }

        foreach (var (name, p) in ours.named_parameters())
        {
            double diff = (p - reference.get_parameter(name)!).abs().max().item<float>();
            Assert.True(diff < 1e-6, $"{name} differs by {diff}");
        }
        Assert.Equal(5, optimizer.StepCount);
    }

    [Fact]
    public void StateRoundTripsThroughSafetensorsAndContinuesIdentically()
    {
        var (a, b) = TwinModules();
        using var first = new Diffusion.Runtime.Training.AdamW(a.named_parameters().Select(p => (p.name, p.parameter)), learningRate: 0.01);
        for (int step = 0; step < 3; step++)
        {
            SetGrads(a, FixedGrads(a, step));
            first.Step();
        }
        string dir = TestTorch.TempDirectory("adamw");
        string path = System.IO.Path.Combine(dir, "optimizer.safetensors");
        Diffusion.Runtime.Checkpoints.SafetensorsFile.Write(path, first.StateDict());
        Assert.Equal(new[] { "weight.exp_avg", "weight.exp_avg_sq", "bias.exp_avg", "bias.exp_avg_sq", "step" }, first.StateDict().Keys.ToArray());

        using (var noGrad = no_grad())
            foreach (var (name, p) in b.named_parameters()) p.copy_(a.get_parameter(name)!);
        using var second = new Diffusion.Runtime.Training.AdamW(b.named_parameters().Select(p => (p.name, p.parameter)), learningRate: 0.01);
        var loaded = Diffusion.Runtime.Checkpoints.SafetensorsFile.Read(path);
        second.LoadStateDict(loaded);
        Assert.Equal(3, second.StepCount);

        var grads = FixedGrads(a, 3);
        SetGrads(a, grads);
        SetGrads(b, grads);
        first.Step();
        second.Step();
        foreach (var (name, p) in a.named_parameters())
            Assert.True(p.equal(b.get_parameter(name)!).all().item<bool>(), name);
    }

    [Fact]
    public void StepAllocatesNothingThatOutlivesIt()
    {
        var (module, _) = TwinModules();
        using var optimizer = new Diffusion.Runtime.Training.AdamW(module.named_parameters().Select(p => (p.name, p.parameter)));
        var grads = FixedGrads(module, 0);
        SetGrads(module, grads);
        optimizer.Step();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++) optimizer.Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
