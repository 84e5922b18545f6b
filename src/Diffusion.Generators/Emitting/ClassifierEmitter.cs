using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Classifier.g.cs for a [NoisyClassifier]: the network and schedule, its cross-entropy
/// training loss on x_t, and grad_{x_t} log p(y | x_t, t) for classifier guidance.
/// </summary>
internal static class ClassifierEmitter
{
    /// <summary>Members this file declares on the class: inside it they win over a type of that name.</summary>
    private static readonly string[] GeneratedMembers =
        { "Network", "Schedule", "Classes", "Description", "Logits", "TrainingLoss", "LogProbabilityGradient" };

    public static IEnumerable<(string HintName, string Source)> Emit(ClassifierSpec c)
    {
        var w = new CodeWriter();
        w.Header(c.Type);
        w.Aliases(ClassifierAliases.All, c.Shadowed);
        string Alias(string alias) =>
            c.Shadowed.Contains(alias) ? ClassifierAliases.All.First(a => a.Name == alias).Target : alias;
        string Declared(TypeName type) =>
            type.Namespace == c.Type.Namespace && !c.Shadowed.Contains(type.Name) && !GeneratedMembers.Contains(type.Name)
                ? Identifier(type.Name)
                : type.FullName;
        var name = Identifier(c.Type.Name);
        var network = Declared(c.Network.Type);
        var schedule = Declared(c.Schedule.Type);
        var s = c.Network.Shape;
        string tensor = Alias("Tensor"), torch = Alias("torch"), nullCheck = Alias("ArgumentNullException");

        w.Lines(
            "/// <summary>",
            "/// The noisy classifier p_phi(y | x_t, t) declared on " + c.Type.Name + " (Dhariwal and Nichol 2021, Sec. 4):",
            "/// <code>",
            "/// schedule  " + c.Schedule.Type.Name + ": " + c.Schedule.Kind + ", T = " + Int(c.Schedule.Timesteps) + " (guide only models on it)",
            "/// network   " + c.Network.Type.Name + ": U-Net encoder on " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + ", " + Int(c.Network.Outputs) + " classes",
            "/// </code>",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + Alias("INoisyClassifier"));
        w.Lines(
            "/// <summary>A classifier with a freshly initialized network.</summary>",
            "public " + name + "() : this(new " + network + "())",
            "{",
            "}",
            "",
            "/// <summary>A classifier around an existing network (for example one whose weights were loaded).</summary>",
            "public " + name + "(" + network + " network)",
            "{",
            "    Network = network ?? throw new " + nullCheck + "(nameof(network));",
            "}",
            "",
            "/// <summary>The classifier network.</summary>",
            "public " + network + " Network { get; }",
            "",
            Alias("Module") + " " + Alias("ITrainableModel") + ".Network => Network;",
            "",
            "/// <summary>The schedule x_t is noised with.</summary>",
            "public " + Alias("NoiseSchedule") + " Schedule { get; } = " + schedule + ".Create();",
            "",
            "/// <summary>Number of classes; labels are 0..Classes-1.</summary>",
            "public int Classes => " + network + ".Outputs;",
            "",
            "/// <summary>The declaration as data, stored beside checkpoints.</summary>",
            "public " + Alias("ModelDescription") + " Description { get; } = new " + Alias("ModelDescription") + "(",
            "    Name: \"" + c.Type.Name + "\",",
            "    Channels: " + network + ".InChannels,",
            "    ImageSize: " + network + ".InputSize,",
            "    Classes: " + network + ".Outputs,",
            "    Predicts: null,",
            "    Schedule: " + Alias("ScheduleKind") + "." + c.Schedule.Kind + ",",
            "    Timesteps: " + schedule + ".Timesteps,",
            "    Network: new " + Alias("ReadOnlyHyperparameters") + "(new " + Alias("Hyperparameters"),
            "    {");
        NetworkDescription.EmitUNetEntries(w, network, s, "        ");
        w.Lines(
            "        [\"outputs\"] = " + network + ".Outputs,",
            "    }));",
            "",
            "/// <summary>Logits (N, Classes) of p_phi(y | x_t, t) for x_t (N, C, H, W) at timesteps t (N, int64).</summary>",
            "public " + tensor + " Logits(" + tensor + " x, " + tensor + " t) => Network.call(x, t);",
            "");

        // Training loss
        w.Lines(
            "/// <summary>",
            "/// The noisy classifier's objective (Dhariwal and Nichol 2021, Sec. 4): the cross-entropy -log p_phi(y | x_t, t)",
            "/// on x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps at t ~ Uniform{0, ..., T - 1}, averaged over the batch.",
            "/// x0 (N, C, H, W) in [-1, 1], labels (N, int64). Every random draw comes from <paramref name=\"generator\"/>.",
            "/// Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " TrainingLoss", new[] { tensor + " x0", tensor + "? labels", Alias("Generator") + " generator" });
        w.Open();
        w.Lines(
            "if (x0 is null) throw new " + nullCheck + "(nameof(x0));",
            "if (generator is null) throw new " + nullCheck + "(nameof(generator));");
        w.Wrapped("if (labels is null) throw new " + nullCheck, new[] { "nameof(labels)",
            "\"" + c.Type.Name + " is a classifier: pass labels (N, int64) in 0.." + Int(c.Network.Outputs - 1) + ".\"" }, ";");
        w.Lines(
            "using var scope = " + torch + ".NewDisposeScope();",
            "");
        int step = 1;
        w.Step(ref step, "t ~ Uniform{0, ..., T - 1}");
        w.Wrapped("var t = " + torch + ".randint", new[] { "0", schedule + ".Timesteps", "new long[] { x0.shape[0] }",
            "dtype: " + torch + ".int64", "device: x0.device", "generator: generator" }, ";    // (N)");
        w.Line();
        w.Step(ref step, "x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, eps ~ N(0, I) (Ho et al. 2020, Eq. 4)");
        w.Commented("var noise = " + torch + ".randn(x0.shape, generator: generator, device: x0.device);", "(N, C, H, W)");
        w.Commented("var xt = Schedule.QSample(x0, t, noise);", "(N, C, H, W)");
        w.Line();
        w.Step(ref step, "-mean_i log p_phi(y_i | x_t, t)");
        w.Commented("var logits = Network.call(xt, t);", "(N, Classes)");
        w.Commented("var loss = " + torch + ".nn.functional.cross_entropy(logits, labels.to(logits.device));", "()");
        w.Line("return loss.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        // Gradient
        w.Lines(
            "/// <summary>",
            "/// grad_{x_t} log p_phi(y | x_t, t) (N, C, H, W) for x (N, C, H, W) at training timesteps t (N, int64) and",
            "/// classes y (N, int64), by autograd through the network (classifier guidance, Dhariwal and Nichol 2021,",
            "/// Algorithms 1 and 2). The samples do not interact in the network, so the gradient of the summed",
            "/// log-probabilities is each sample's own. Runs with gradients enabled even under no_grad; leaves the parameters'",
            "/// .grad untouched. Call Network.eval() first.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " LogProbabilityGradient(" + tensor + " x, " + tensor + " t, " + tensor + " labels)");
        w.Lines(
            "if (x is null) throw new " + nullCheck + "(nameof(x));",
            "if (t is null) throw new " + nullCheck + "(nameof(t));",
            "if (labels is null) throw new " + nullCheck + "(nameof(labels));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "using var gradients = " + torch + ".enable_grad();");
        w.Commented("var input = x.detach().requires_grad_(true);", "(N, C, H, W), a leaf");
        w.Line("// log p_phi(. | x_t, t) (N, Classes), and sum_i log p_phi(y_i | x_t,i, t_i)");
        w.Line("var logProbabilities = " + torch + ".nn.functional.log_softmax(Network.call(input, t), 1);");
        w.Line("var selected = logProbabilities.gather(1, labels.to(logProbabilities.device).unsqueeze(1)).sum();");
        w.Commented("var gradient = " + torch + ".autograd.grad(new[] { selected }, new[] { input })[0];", "(N, C, H, W)");
        w.Line("return gradient.detach().MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        yield return (c.Type.HintName("Classifier"), w.ToString());
    }
}
