using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Classifier.g.cs for a [NoisyClassifier]: the network and schedule, its cross-entropy
/// training loss on x_t, and grad_{x_t} log p(y | x_t, t) for classifier guidance.
/// </summary>
internal static class ClassifierEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(ClassifierSpec c)
    {
        var w = new CodeWriter();
        w.Header(c.Type);
        var name = Identifier(c.Type.Name);
        var network = c.Network.Type.FullName;
        var schedule = c.Schedule.Type.FullName;
        var s = c.Network.Shape;

        w.Lines(
            "/// <summary>",
            "/// The noisy classifier p_phi(y | x_t, t) declared on " + c.Type.Name + " (Dhariwal and Nichol 2021, Sec. 4):",
            "/// <code>",
            "/// schedule  " + c.Schedule.Type.Name + ": " + c.Schedule.Kind + ", T = " + Int(c.Schedule.Timesteps) + " (x_t is noised with it; guide only models on this schedule)",
            "/// network   " + c.Network.Type.Name + ": U-Net encoder on " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + ", " + Int(c.Network.Outputs) + " classes",
            "/// </code>",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + RuntimeModels + ".INoisyClassifier");
        w.Lines(
            "/// <summary>A classifier with a freshly initialized network.</summary>",
            "public " + name + "() : this(new " + network + "())",
            "{",
            "}",
            "",
            "/// <summary>A classifier around an existing network (for example one whose weights were loaded).</summary>",
            "public " + name + "(" + network + " network)",
            "{",
            "    Network = network ?? throw new global::System.ArgumentNullException(nameof(network));",
            "}",
            "",
            "/// <summary>The classifier network.</summary>",
            "public " + network + " Network { get; }",
            "",
            Nn + ".Module " + RuntimeModels + ".ITrainableModel.Network => Network;",
            "",
            "/// <summary>The schedule x_t is noised with.</summary>",
            "public " + NoiseSchedule + " Schedule { get; } = " + schedule + ".Create();",
            "",
            "/// <summary>Number of classes; labels are 0..Classes-1.</summary>",
            "public int Classes => " + network + ".Outputs;",
            "",
            "/// <summary>The declaration as data, stored beside checkpoints.</summary>",
            "public " + RuntimeModels + ".ModelDescription Description { get; } = new " + RuntimeModels + ".ModelDescription(",
            "    Name: \"" + c.Type.Name + "\",",
            "    Channels: " + network + ".InChannels,",
            "    ImageSize: " + network + ".InputSize,",
            "    Classes: " + network + ".Outputs,",
            "    Predicts: null,",
            "    Schedule: " + Names.Dsl + ".ScheduleKind." + c.Schedule.Kind + ",",
            "    Timesteps: " + schedule + ".Timesteps,",
            "    Network: new global::System.Collections.ObjectModel.ReadOnlyDictionary<string, double>(new global::System.Collections.Generic.Dictionary<string, double>",
            "    {");
        NetworkDescription.EmitUNetEntries(w, network, s, "        ");
        w.Lines(
            "        [\"outputs\"] = " + network + ".Outputs,",
            "    }));",
            "",
            "/// <summary>Logits (N, Classes) of p_phi(y | x_t, t) for x_t (N, C, H, W) at training timesteps t (N, int64).</summary>",
            "public " + Tensor + " Logits(" + Tensor + " x, " + Tensor + " t) => Network.call(x, t);",
            "");

        // Training loss
        w.Lines(
            "/// <summary>",
            "/// The noisy classifier's objective (Dhariwal and Nichol 2021, Sec. 4): the cross-entropy -log p_phi(y | x_t, t) on",
            "/// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps at t ~ Uniform{0, ..., T - 1}, averaged over the batch. x0 (N, C, H, W)",
            "/// in [-1, 1], labels (N, int64). Every random draw comes from <paramref name=\"generator\"/>. Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " TrainingLoss(" + Tensor + " x0, " + Tensor + "? labels, " + Generator + " generator)");
        w.Lines(
            "if (x0 is null) throw new global::System.ArgumentNullException(nameof(x0));",
            "if (generator is null) throw new global::System.ArgumentNullException(nameof(generator));",
            "if (labels is null) throw new global::System.ArgumentNullException(nameof(labels), \"" + c.Type.Name + " is a classifier: pass labels (N, int64) in 0.." + Int(c.Network.Outputs - 1) + ".\");",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "long n = x0.shape[0];",
            "",
            "// 1. t ~ Uniform{0, ..., T - 1}",
            "var t = " + Torch + ".randint(0, " + schedule + ".Timesteps, new long[] { n }, dtype: " + Int64 + ", device: x0.device, generator: generator);    // (N)",
            "",
            "// 2. x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, eps ~ N(0, I) (Ho et al. 2020, Eq. 4)",
            "var noise = " + Torch + ".randn(x0.shape, generator: generator, device: x0.device);    // (N, C, H, W)",
            "var sqrtAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var xt = sqrtAlphaBar * x0 + sqrtOneMinusAlphaBar * noise;    // (N, C, H, W)",
            "",
            "// 3. -mean_i log p_phi(y_i | x_t, t)",
            "var logits = Network.call(xt, t);    // (N, Classes)",
            "var loss = " + Functional + ".cross_entropy(logits, labels.to(logits.device));    // ()",
            "return loss.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        // Gradient
        w.Lines(
            "/// <summary>",
            "/// grad_{x_t} log p_phi(y | x_t, t) (N, C, H, W) for x (N, C, H, W) at training timesteps t (N, int64) and classes y",
            "/// (N, int64), by autograd through the network (classifier guidance, Dhariwal and Nichol 2021, Algorithms 1 and 2).",
            "/// The samples do not interact in the network, so the gradient of the summed log-probabilities is each sample's own.",
            "/// Runs with gradients enabled even under no_grad; leaves the parameters' .grad untouched. Call Network.eval() first.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " LogProbabilityGradient(" + Tensor + " x, " + Tensor + " t, " + Tensor + " labels)");
        w.Lines(
            "if (x is null) throw new global::System.ArgumentNullException(nameof(x));",
            "if (t is null) throw new global::System.ArgumentNullException(nameof(t));",
            "if (labels is null) throw new global::System.ArgumentNullException(nameof(labels));",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "using var gradients = " + Torch + ".enable_grad();",
            "var input = x.detach().requires_grad_(true);    // (N, C, H, W), a leaf",
            "var logProbabilities = " + Functional + ".log_softmax(Network.call(input, t), 1);    // (N, Classes): log p_phi(. | x_t, t)",
            "var selected = logProbabilities.gather(1, labels.to(logProbabilities.device).unsqueeze(1)).sum();    // sum_i log p_phi(y_i | x_t,i, t_i)",
            "var gradient = " + Torch + ".autograd.grad(new[] { selected }, new[] { input })[0];    // (N, C, H, W)",
            "return gradient.detach().MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        yield return (c.Type.HintName("Classifier"), w.ToString());
    }
}
