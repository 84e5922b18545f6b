using Diffusion.Dsl;
using System.Collections.Generic;
using System.Text;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

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
    }

    private static string EmitModel(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        var name = Identifier(m.Type.Name);
        var network = m.Network.Type.FullName;
        var schedule = m.Schedule.Type.FullName;
        var n = m.Network;
        var samplers = new StringBuilder();
        foreach (var sampler in m.Samplers)
        {
            if (samplers.Length > 0) samplers.Append(", ");
            samplers.Append(sampler);
        }

        w.Lines(
            "/// <summary>",
            "/// The diffusion model declared on " + m.Type.Name + ":",
            "/// <code>",
            "/// schedule  " + m.Schedule.Type.Name + ": " + m.Schedule.Kind + ", T = " + Int(m.Schedule.Timesteps),
            "/// network   " + n.Type.Name + ": " + NetworkKinds.Of(n).DisplayName + " on " + Int(n.InputSize) + " x " + Int(n.InputSize) + " x " + Int(n.InChannels) + (n.IsClassConditional ? ", " + Int(n.Classes) + " classes" : ", unconditional"),
            "/// predicts  " + m.Predicts + ", variance " + m.Variance,
            "/// objective " + m.Objective + (m.Objective == Objective.VariationalBound ? "" : ", weighting " + m.Weighting + (m.Weighting == LossWeighting.MinSnr ? " (gamma = " + Double(m.MinSnrGamma) + ")" : "")),
            "/// samplers  " + samplers + (m.HasGuidance ? " with classifier-free guidance (default w = " + Double(m.GuidanceScale!.Value) + ")" : ""),
            "/// </code>",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + RuntimeModels + ".IDiffusionModel");
        if (m.HasGuidance)
        {
            w.Line("/// <summary>The declared classifier-free guidance weight w (Ho and Salimans 2022, Eq. 6); pass it as SampleRequest.GuidanceScale.</summary>");
            w.Line("public const double DefaultGuidanceScale = " + Double(m.GuidanceScale!.Value) + ";");
            w.Line();
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
            "    Network = network ?? throw new global::System.ArgumentNullException(nameof(network));",
            "}",
            "",
            "/// <summary>The denoising network.</summary>",
            "public " + network + " Network { get; }",
            "",
            Nn + ".Module " + RuntimeModels + ".ITrainableModel.Network => Network;",
            "",
            "/// <summary>The network's output at (x_t, t, y): the prediction" + (m.LearnsVariance ? ", then the variance values" : "") + ".</summary>",
            "public " + Tensor + " Denoise(" + Tensor + " x, " + Tensor + " t, " + Tensor + "? labels) => Network.call(x, t, labels);",
            "",
            "/// <summary>The training noise schedule.</summary>",
            "public " + NoiseSchedule + " Schedule { get; } = " + schedule + ".Create();",
            "",
            "/// <summary>The declaration as data, stored beside checkpoints.</summary>",
            "public " + RuntimeModels + ".ModelDescription Description { get; } = new " + RuntimeModels + ".ModelDescription(");
        w.Lines(
            "    Name: \"" + m.Type.Name + "\",",
            "    Channels: " + network + ".InChannels,",
            "    ImageSize: " + network + ".InputSize,",
            "    Classes: " + (n.IsClassConditional ? network + ".Classes" : "null") + ",",
            "    Predicts: " + Names.Dsl + ".Prediction." + m.Predicts + ",",
            "    Schedule: " + Names.Dsl + ".ScheduleKind." + m.Schedule.Kind + ",",
            "    Timesteps: " + schedule + ".Timesteps,",
            "    Network: new global::System.Collections.ObjectModel.ReadOnlyDictionary<string, double>(new global::System.Collections.Generic.Dictionary<string, double>",
            "    {");
        NetworkDescription.EmitEntries(w, n, "        ");
        w.Lines(
            "    }),",
            "    Variance: " + Names.Dsl + ".ReverseVariance." + m.Variance + ",",
            "    Objective: " + Names.Dsl + ".Objective." + m.Objective + ",",
            "    Weighting: " + Names.Dsl + ".LossWeighting." + m.Weighting + ");",
            "",
            "/// <summary>Runs a declared sampler (" + samplers + ").</summary>",
            "public " + Tensor + " Sample(" + Names.Dsl + ".SamplerKind sampler, " + RuntimeModels + ".SampleRequest request, " + Generator + " generator, " + RuntimeModels + ".Denoiser? denoiser = null, global::System.Action<int, " + Tensor + ">? onStep = null) => sampler switch",
            "{");
        foreach (var sampler in m.Samplers)
        {
            w.Line("    " + Names.Dsl + ".SamplerKind." + sampler + " => Sample" + sampler + "(request, generator, denoiser, onStep),");
        }
        w.Lines(
            "    _ => throw new global::System.ArgumentException($\"" + m.Type.Name + " declares no {sampler} sampler (declared: " + samplers + "); add [Sampler(SamplerKind.{sampler})] to generate it.\", nameof(sampler)),",
            "};");
        w.Close();
        return w.ToString();
    }
}
