using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Cascade.g.cs for a [Cascade] (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): the
/// stages as typed properties, and the sampling of the whole chain through Diffusion.Runtime.Cascades.CascadeSampling.
/// </summary>
internal static class CascadeEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(CascadeSpec spec)
    {
        yield return (spec.Type.HintName("Cascade"), EmitCascade(spec));
    }

    private static string EmitCascade(CascadeSpec c)
    {
        var w = new CodeWriter();
        w.Header(c.Type);
        bool text = c.Stages[0].Text;    // the base samples from prompts (ITextCascadeModel)
        w.Aliases(text ? CascadeAliases.Any : CascadeAliases.All, c.Shadowed);
        string A(string alias) => c.Shadowed.Contains(alias) ? CascadeAliases.Any.First(a => a.Name == alias).Target : alias;
        string Stage(TypeName type) =>
            type.Namespace == c.Type.Namespace && !c.Shadowed.Contains(type.Name) ? Identifier(type.Name) : type.FullName;
        var name = Identifier(c.Type.Name);
        var stages = c.Stages;
        var nullException = A("ArgumentNullException");

        w.Lines(
            "/// <summary>",
            "/// The cascade declared on " + c.Type.Name + " (Ho et al. 2021, \"Cascaded Diffusion Models\", Sec. 3):",
            "/// <code>");
        for (int k = 0; k < stages.Length; k++)
        {
            w.Line("/// stage " + Int(k) + "  " + stages[k].Type.Name + ": " + stages[k].Summary);
        }
        w.Line("/// </code>");
        if (text)
        {
            w.Lines(
                "/// Stage k samples conditioned on stage k - 1's images; the base, guided over text, from prompts, the upsamplers",
                "/// unguided from the image below alone, as unCLIP's (Ramesh et al. 2022, Sec. 2.1).");
        }
        else
        {
            w.Line("/// Stage k samples conditioned on stage k - 1's images; one request's labels and guidance go to every stage.");
        }
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + A(text ? "ITextCascadeModel" : "ICascadeModel"));
        w.Lines(
            "/// <summary>A cascade of freshly initialized stages.</summary>",
            "public " + name + "() : this(" + string.Join(", ", stages.Select(s => "new " + Stage(s.Type) + "()")) + ")",
            "{",
            "}",
            "",
            "/// <summary>A cascade of existing stages (for example ones whose weights were loaded).</summary>");
        w.Wrapped("public " + name, stages.Select((s, k) => Stage(s.Type) + " stage" + Int(k)).ToList());
        w.Open();
        for (int k = 0; k < stages.Length; k++)
        {
            w.Line("Stage" + Int(k) + " = stage" + Int(k) + " ?? throw new " + nullException + "(nameof(stage" + Int(k) + "));");
        }
        w.Line("Stages = new " + A("IDiffusionModel") + "[] { " + string.Join(", ", stages.Select((s, k) => "Stage" + Int(k))) + " };");
        w.Close();
        for (int k = 0; k < stages.Length; k++)
        {
            w.Line();
            w.Lines(
                "/// <summary>",
                "/// Stage " + Int(k) + (k == 0 ? ", the base" : "") + ": " + stages[k].Summary + ".",
                "/// </summary>");
            w.Line("public " + Stage(stages[k].Type) + " Stage" + Int(k) + " { get; }");
        }
        w.Lines(
            "",
            "/// <summary>The declared class's name.</summary>",
            "public string Name => \"" + c.Type.Name + "\";",
            "",
            "/// <summary>The stages, base first.</summary>",
            "public " + A("StageList") + " Stages { get; }",
            "");
        string last = Int(stages[stages.Length - 1].Size);
        w.Line("/// <summary>");
        w.Doc(text
            ? "Throws: the base is conditioned on text, so the cascade samples from prompts with SampleText (CascadeSampling.Run refuses)."
            : "Every stage's images, base first, the last " + last + " x " + last
                + ": stage k samples conditioned on stage k - 1's images clipped to [-1, 1], augmented at "
                + "<paramref name=\"augmentationLevel\"/> (each stage's SamplingLevel when null), with <paramref name=\"sampler\"/>, "
                + "which every stage must declare, and the request's labels and guidance (CascadeSampling.Run).");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + A("TensorList") + " SampleStages", new[]
        {
            A("SamplerKind") + " sampler", A("SampleRequest") + " request", A("Generator") + " generator", "double? augmentationLevel = null",
        }, " =>");
        w.Line("    " + A("CascadeSampling") + ".Run(Stages, sampler, request, generator, augmentationLevel);");
        if (text)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Doc("Every stage's images for <paramref name=\"prompts\"/> (Count rows), base first, the last " + last + " x " + last
                + ": the base guided over text at the request's GuidanceScale, then each upsampler unguided from the stage below "
                + "clipped to [-1, 1], augmented at <paramref name=\"augmentationLevel\"/> (each stage's SamplingLevel when null), "
                + "with <paramref name=\"sampler\"/>, which every stage must declare (CascadeSampling.RunText).");
            w.Line("/// </summary>");
            w.GeneratedCode();
            w.Wrapped("public " + A("TensorList") + " SampleText", new[]
            {
                A("TextConditioning") + " prompts", A("SamplerKind") + " sampler", A("SampleRequest") + " request", A("Generator") + " generator",
                "double? augmentationLevel = null",
            }, " =>");
            w.Line("    " + A("CascadeSampling") + ".RunText(Stages, prompts, sampler, request, generator, augmentationLevel);");
        }
        w.Close();
        return w.ToString();
    }
}
