using Diffusion.Dsl;
using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits the five files of a [DiffusionModel]: Model (network, schedule, description, sampler dispatch),
/// Parameterization (the one conversion hub), Loss, VariationalBound and Samplers.
/// </summary>
internal static class ModelEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(ModelSpec spec)
    {
        yield return (spec.Type.HintName("Model"), EmitModel(spec));
        yield return (spec.Type.HintName("Parameterization"), ParameterizationEmitter.Emit(spec));
        yield return (spec.Type.HintName("Loss"), LossEmitter.Emit(spec));
        yield return (spec.Type.HintName("VariationalBound"), VariationalBoundEmitter.Emit(spec));
        yield return (spec.Type.HintName("Samplers"), Samplers.SamplerLoopEmitter.Emit(spec));
        if (spec.Consistency is not null) yield return (spec.Type.HintName("Consistency"), ConsistencyEmitter.Emit(spec));
    }

    private static string EmitModel(ModelSpec m)
    {
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "Tensor", "Generator", "Module", "NoiseSchedule", "IDiffusionModel", "ITrainableModel",
            "ModelDescription", "SampleRequest", "Denoiser", "Prediction", "ScheduleKind", "ReverseVariance", "Objective",
            "LossWeighting", "SamplerKind", "SamplerKindList", "OnStep", "ArgumentNullException", "ArgumentException",
            "ReadOnlyDictionary", "Dictionary");
        var name = Identifier(m.Type.Name);
        var network = names.Network;
        var schedule = names.Schedule;
        var tensor = names.Tensor;
        var n = m.Network;
        var samplers = string.Join(", ", m.Samplers);
        var size = Int(n.InputSize) + " x " + Int(n.InputSize) + " x " + Int(n.InChannels);
        var objective = m.Objective == Objective.VariationalBound
            ? ""
            : ", weighting " + m.Weighting + (m.Weighting == LossWeighting.MinSnr ? " (gamma = " + Double(m.MinSnrGamma) + ")" : "");

        w.Lines(
            "/// <summary>",
            "/// The diffusion model declared on " + m.Type.Name + ":",
            "/// <code>",
            "/// schedule  " + m.Schedule.Type.Name + ": " + m.Schedule.Kind + ", T = " + Int(m.Schedule.Timesteps),
            "/// network   " + n.Type.Name + ": " + NetworkKinds.Of(n).DisplayName + " on " + size
                + (n.IsClassConditional ? ", " + Int(n.Classes) + " classes" : ", unconditional"),
            "/// predicts  " + m.Predicts + ", variance " + m.Variance,
            "/// objective " + m.Objective + objective,
            "/// samplers  " + samplers
                + (m.HasGuidance ? " with classifier-free guidance (default w = " + Double(m.GuidanceScale!.Value) + ")" : ""),
            "/// </code>",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + names["IDiffusionModel"]);
        if (m.HasGuidance)
        {
            w.Lines(
                "/// <summary>",
                "/// The declared classifier-free guidance weight w (Ho and Salimans 2022, Eq. 6); pass it as",
                "/// SampleRequest.GuidanceScale.",
                "/// </summary>",
                "public const double DefaultGuidanceScale = " + Double(m.GuidanceScale!.Value) + ";",
                "");
        }
        w.Lines(
            "/// <summary>A model with a freshly initialized network.</summary>",
            "public " + name + "() : this(new " + network + "())",
            "{",
            "}",
            "",
            "/// <summary>A model around an existing network (for example one whose weights were loaded).</summary>",
            "public " + name + "(" + network + " network)",
            "{",
            "    Network = network ?? throw new " + names["ArgumentNullException"] + "(nameof(network));",
            "}",
            "",
            "/// <summary>The denoising network.</summary>",
            "public " + network + " Network { get; }",
            "",
            names["Module"] + " " + names["ITrainableModel"] + ".Network => Network;",
            "",
            "/// <summary>The network's output at (x_t, t, y): the prediction" + (m.LearnsVariance ? ", then the variance values" : "") + ".</summary>");
        w.Wrapped("public " + tensor + " Denoise", new[] { tensor + " x", tensor + " t", tensor + "? labels" }, " =>");
        w.Lines(
            "    Network.call(x, t, labels);",
            "",
            "/// <summary>The training noise schedule.</summary>",
            "public " + names["NoiseSchedule"] + " Schedule { get; } = " + schedule + ".Create();",
            "");
        EmitDeclared(w, m, names);
        EmitDescription(w, m, names);
        w.Line();
        EmitSample(w, m, names);
        w.Close();
        return w.ToString();
    }

    /// <summary>What the host reads of the declaration: the samplers Sample accepts and the guidance weight.</summary>
    private static void EmitDeclared(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var kind = names["SamplerKind"];
        w.Lines(
            "/// <summary>The declared samplers, in SamplerKind order: what Sample accepts.</summary>",
            "public " + names["SamplerKindList"] + " Samplers { get; } = new[]",
            "{");
        foreach (var sampler in m.Samplers) w.Line("    " + kind + "." + sampler + ",");
        w.Lines(
            "};",
            "");
        if (m.HasGuidance)
        {
            w.Lines(
                "/// <summary>The declared classifier-free guidance weight w: <see cref=\"DefaultGuidanceScale\"/>.</summary>",
                "public double? ClassifierFreeGuidanceScale => DefaultGuidanceScale;");
        }
        else
        {
            w.Lines(
                "/// <summary>None: the declaration has no [ClassifierFreeGuidance].</summary>",
                "public double? ClassifierFreeGuidanceScale => null;");
        }
        w.Line();
    }

    /// <summary>Description: the declaration as data, the network's hyperparameters read from its constants.</summary>
    private static void EmitDescription(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var network = names.Network;
        var description = names["ModelDescription"];
        w.Lines(
            "/// <summary>The declaration as data, stored beside checkpoints.</summary>",
            "public " + description + " Description { get; } = new " + description + "(",
            "    Name: \"" + m.Type.Name + "\",",
            "    Channels: " + network + ".InChannels,",
            "    ImageSize: " + network + ".InputSize,",
            "    Classes: " + (m.Network.IsClassConditional ? network + ".Classes" : "null") + ",",
            "    Predicts: " + names["Prediction"] + "." + m.Predicts + ",",
            "    Schedule: " + names["ScheduleKind"] + "." + m.Schedule.Kind + ",",
            "    Timesteps: " + names.Schedule + ".Timesteps,",
            "    Network: new " + names["ReadOnlyDictionary"] + "(new " + names["Dictionary"],
            "    {");
        NetworkDescription.EmitEntries(w, m.Network, network, "        ");
        w.Lines(
            "    }),",
            "    Variance: " + names["ReverseVariance"] + "." + m.Variance + ",",
            "    Objective: " + names["Objective"] + "." + m.Objective + ",",
            "    Weighting: " + names["LossWeighting"] + "." + m.Weighting + ");");
    }

    /// <summary>Sample: the declared sampler the caller names, or an exception that says how to declare another.</summary>
    private static void EmitSample(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var samplers = string.Join(", ", m.Samplers);
        var kind = names["SamplerKind"];
        w.Line("/// <summary>Runs a declared sampler (" + samplers + ").</summary>");
        w.Wrapped("public " + names.Tensor + " Sample", new[]
        {
            kind + " sampler",
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            names["OnStep"] + "? onStep = null",
        }, " => sampler switch");
        w.Open();
        foreach (var sampler in m.Samplers)
        {
            w.Line(kind + "." + sampler + " => Sample" + sampler + "(request, generator, denoiser, onStep),");
        }
        w.Lines(
            "_ => throw new " + names["ArgumentException"] + "(",
            "    $\"" + m.Type.Name + " declares no {sampler} sampler (declared: " + samplers + "); \"",
            "        + $\"add [Sampler(SamplerKind.{sampler})] to generate it.\",",
            "    nameof(sampler)),");
        w.Close("};");
    }
}
