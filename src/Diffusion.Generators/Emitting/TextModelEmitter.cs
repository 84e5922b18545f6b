using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Text.g.cs for a [DiffusionModel] whose network declares [TextConditioning] (Saharia et al.
/// 2022, Sec. 2): the declared widths, the network's call with texts, and <c>SampleText</c>, which samples from prompt
/// embeddings guided over text (Ho and Salimans 2022, Eq. 6) through Diffusion.Runtime.Text.TextGuidance.
/// </summary>
internal static class TextModelEmitter
{
    public static string Emit(ModelSpec m)
    {
        var text = m.Network.Text!;
        bool prior = m.Network is PriorSpec;    // samples image embeddings (Ramesh et al. 2022, Sec. 2.1), not images
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Generator", "ITrainableModel", "SampleRequest", "SamplerKind", "OnStep",
            "ArgumentNullException", "ArgumentException", "InvalidOperationException", "TextConditioning", "ITextDiffusionModel",
            "TextGuidance", prior ? "Thresholding" : "", prior ? "IDiffusionPrior" : "");
        var tensor = names.Tensor;
        var network = names.Network;
        var conditioning = names["TextConditioning"];
        var face = names["ITextDiffusionModel"];
        var nullException = names["ArgumentNullException"];
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Lines(
            "/// <summary>",
            "/// The text conditioning of " + m.Type.Name + " (Saharia et al. 2022, Sec. 2), through " + m.Network.Type.Name + ":",
            "/// <code>",
            "/// training  (x_0, caption) -> the null embedding in the caption's place with p = " + Double(text.DropRate)
                + " -> the declared loss",
            "/// sampling  prompts -> out(x_t, null) + w (out(x_t, text) - out(x_t, null)), one batch of both passes",
            "/// </code>",
            "/// The texts are a frozen encoder's embeddings: pooled (" + Int(text.PooledDim) + ")"
                + (text.CrossAttention || m.Network is PriorSpec { TextTokens: true } ? ", token states (" + Int(text.TokenDim) + ", at most " + Int(text.MaxTokens) + ") with their mask." : "."),
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name) + " : " + face + (prior ? ", " + names["IDiffusionPrior"] : ""));
        if (m.GuidanceScale is { } scale)
        {
            w.Lines(
                "/// <summary>",
                "/// The declared classifier-free guidance weight w over text (Ho and Salimans 2022, Eq. 6); pass it as",
                "/// SampleRequest.GuidanceScale to SampleText.",
                "/// </summary>",
                "public const double DefaultGuidanceScale = " + Double(scale) + ";",
                "");
        }
        w.Lines(
            "int " + face + ".PooledDim => " + network + ".PooledDim;",
            "",
            "int " + face + ".TokenDim => " + network + ".TokenDim;",
            "",
            "int " + face + ".MaxTokens => " + network + ".MaxTokens;",
            "",
            "bool " + face + ".ReadsTokens => " + network + (prior ? ".TextTokens;" : ".CrossAttention;"),
            "",
            "double " + face + ".TextDropRate => " + network + ".TextDropRate;",
            "");
        if (prior) w.Lines("int " + names["IDiffusionPrior"] + ".EmbeddingDim => " + network + ".EmbeddingDim;", "");
        w.Line("/// <summary>The network's output at (x_t, t) for the texts (dropped rows: the null embedding).</summary>");
        w.Wrapped("public " + tensor + " Denoise", new[] { tensor + " x", tensor + " t", tensor + "? labels", conditioning + " text" }, " =>");
        w.Line("    Network.call(x, t, labels, text);    // (N, " + channels + ", H, W)");
        w.Line();
        w.Line("/// <summary>Throws: a text model trains on (image, text) batches, TrainingLoss(x0, text, generator).</summary>");
        w.Wrapped(tensor + " " + names["ITrainableModel"] + ".TrainingLoss", new[]
        {
            tensor + " x0", tensor + "? labels", names["Generator"] + " generator",
        }, " =>");
        w.Lines(
            "    throw new " + names["InvalidOperationException"] + "(",
            "        \"" + m.Type.Name + " is conditioned on text: train it on (image, text) batches, \"",
            "            + \"with TrainingLoss(x0, text, generator).\");",
            "");
        w.Line("/// <summary>");
        w.Doc((prior ? "Image embeddings (Count, D_z, 1, 1)" : "Images (Count, C, H, W)") + " for <paramref name=\"prompts\"/> (Count rows) by a declared sampler, guided over text at "
            + "the request's GuidanceScale w: out(x_t, null) + w (out(x_t, text) - out(x_t, null)), both passes in one batch "
            + "(Ho and Salimans 2022, Eq. 6; w = 1 the conditional pass alone, w = 0 the null pass alone). The request carries no labels."
            + (prior ? " Its Thresholding must be None: an embedding is not data in [-1, 1]." : ""));
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " SampleText", new[]
        {
            conditioning + " prompts",
            names["SamplerKind"] + " sampler",
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["OnStep"] + "? onStep = null",
        });
        w.Open();
        w.Lines(
            "if (prompts is null) throw new " + nullException + "(nameof(prompts));",
            "if (request is null) throw new " + nullException + "(nameof(request));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "if (request.Labels is not null)",
            "    throw new " + names["ArgumentException"] + "(\"" + m.Type.Name + " takes prompts, not labels.\", nameof(request));",
            "if (prompts.Count != request.Count)",
            "    throw new " + names["ArgumentException"] + "($\"{prompts.Count} prompts for count = {request.Count}.\", nameof(prompts));");
        if (prior)
        {
            // An embedding is not data in [-1, 1]: clipping x0_hat there would bias every sample.
            w.Lines(
                "if (request.Thresholding != " + names["Thresholding"] + ".None)",
                "    throw new " + names["ArgumentException"] + "(\"" + m.Type.Name + " samples image embeddings, which are not data in [-1, 1]: \"",
                "        + \"sample with Thresholding = None.\", nameof(request));");
        }
        w.Lines(
            "using var noGrad = " + names.Torch + ".no_grad();",
            "using var scope = " + names.Torch + ".NewDisposeScope();",
            "");
        int step = 1;
        w.Step(ref step, "The prompts on the network's device");
        w.Line("var texts = prompts.To(SamplingDevice(generator));");
        w.Line();
        w.Step(ref step, "The network guided over text at w as the sampler's denoiser; the sampler itself then runs at w = 1");
        w.Lines(
            "var denoiser = " + names["TextGuidance"] + ".Create(Denoise, texts, request.GuidanceScale, " + network + ".InChannels);",
            "var unguided = request with { GuidanceScale = 1.0 };",
            "return Sample(sampler, unguided, generator, denoiser, onStep).MoveToOuterDisposeScope();    // (Count, C, H, W)");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
