using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Latent.g.cs for a [LatentDiffusion] model (Rombach et al. 2022): the frozen autoencoder
/// and the module a checkpoint holds (network, autoencoder, latent scale factor), the scaled latent of a posterior, the
/// decoding of scaled latents, the training loss on a posterior, and <c>Sample</c>: a declared sampler on latents (the
/// Model file's <c>SampleLatents</c>), then one decoding.
/// </summary>
internal static class LatentDiffusionEmitter
{
    public static string Emit(ModelSpec m)
    {
        var l = m.Latent!;
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Generator", "Scalar", "SampleRequest", "Denoiser", "SamplerKind", "OnStep",
            "IAutoencoder", "ILatentDiffusionModel", "LatentDiffusionModules", "DiagonalGaussian", "LatentEncoding",
            "ArgumentNullException", m.Network.Text is not null ? "InvalidOperationException" : "");
        var autoencoder = names.Type(l.Autoencoder);
        var tensor = names.Tensor;
        var torch = names.Torch;
        var scalar = names["Scalar"];
        var nullException = names["ArgumentNullException"];
        var image = Int(l.ImageSize) + " x " + Int(l.ImageSize) + " x " + Int(l.ImageChannels);
        var latent = Int(l.LatentSize) + " x " + Int(l.LatentSize) + " x " + Int(l.LatentChannels);
        var draw = l.Encoding == LatentEncoding.Sample ? "z = mu + sigma eps" : "z = mu";
        w.Lines(
            "/// <summary>",
            "/// The latent diffusion declared on " + m.Type.Name + " (Rombach et al. 2022, Sec. 3):",
            "/// <code>",
            "/// images " + image + " -> encoder of " + l.Autoencoder.Name + " (frozen) -> q(z | x) -> " + draw + " -> s z",
            "/// diffusion on s z, " + latent + " (" + m.Network.Type.Name + ")",
            "/// samples s z -> decoder of " + l.Autoencoder.Name + " (frozen) at z = s z / s, once -> images " + image,
            "/// </code>",
            "/// s is the latent scale factor, 1 / std(z) of the training latents (Sec. 4.3.2), stored in the checkpoint.",
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name) + " : " + names["ILatentDiffusionModel"]);
        w.Lines(
            "private " + names["LatentDiffusionModules"] + "? modules;",
            "",
            "/// <summary>The frozen autoencoder; its weights come with the model's checkpoint.</summary>",
            "public " + autoencoder + " Autoencoder { get; } = new " + autoencoder + "();",
            "",
            names["IAutoencoder"] + " " + names["ILatentDiffusionModel"] + ".Autoencoder => Autoencoder;",
            "",
            "/// <summary>How training encodes an image: " + (l.Encoding == LatentEncoding.Sample
                ? "a posterior sample, as LDM does (Rombach et al. 2022, App. G)." : "the posterior's mean.") + "</summary>",
            "public " + names["LatentEncoding"] + " Encoding => " + names["LatentEncoding"] + "." + l.Encoding + ";",
            "",
            "/// <summary>",
            "/// What training updates and checkpoints hold: the network (trained), the autoencoder (frozen) and the latent",
            "/// scale factor.",
            "/// </summary>",
            "public " + names["LatentDiffusionModules"] + " Modules => modules ??= new " + names["LatentDiffusionModules"] + "(Network, Autoencoder);",
            "",
            "/// <summary>The latent scale factor s = 1 / std(z) (Rombach et al. 2022, Sec. 4.3.2); 1 until set.</summary>",
            "public double LatentScale",
            "{",
            "    get => Modules.LatentScale;",
            "    set => Modules.LatentScale = value;",
            "}",
            "");

        w.Line("/// <summary>");
        w.Doc("The scaled latent s z (N, " + Int(l.LatentChannels) + ", " + Int(l.LatentSize) + ", " + Int(l.LatentSize)
            + ") of a posterior q(z | x): " + (l.Encoding == LatentEncoding.Sample
                ? "z a sample drawn from <paramref name=\"generator\"/>." : "z its mean; <paramref name=\"generator\"/> draws nothing."));
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " LatentsFromPosterior(" + names["DiagonalGaussian"] + " posterior, " + names["Generator"] + " generator)");
        w.Lines(
            "if (posterior is null) throw new " + nullException + "(nameof(posterior));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "");
        int n = 1;
        if (l.Encoding == LatentEncoding.Sample)
        {
            w.Step(ref n, "z = mu + sigma eps, eps ~ N(0, I) (Kingma and Welling 2014, Sec. 2.4)");
            w.Line("var z = posterior.Sample(generator);    // (N, c, h, w)");
        }
        else
        {
            w.Step(ref n, "z = mu, the posterior's mean");
            w.Line("var z = posterior.Mean;    // (N, c, h, w)");
        }
        w.Line();
        w.Step(ref n, "s z, the latent at unit variance (Rombach et al. 2022, Sec. 4.3.2)");
        w.Lines(
            "using " + scalar + " scale = LatentScale;    // disposed here, not left to the finalizer",
            "return z.mul(scale).MoveToOuterDisposeScope();    // (N, c, h, w)");
        w.Close();
        w.Line();

        w.Lines(
            "/// <summary>Images (N, " + Int(l.ImageChannels) + ", " + Int(l.ImageSize) + ", " + Int(l.ImageSize)
                + ") decoded from scaled latents s z: the decoder at z = latents / s.</summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " DecodeLatents(" + tensor + " latents)");
        w.Lines(
            "if (latents is null) throw new " + nullException + "(nameof(latents));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "using " + scalar + " scale = LatentScale;    // disposed here, not left to the finalizer",
            "var images = Autoencoder.Decode(latents.div(scale));    // (N, C, H, W)",
            "return images.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        if (m.Network.Text is not null) EmitTextLoss(w, m, names);
        else EmitLoss(w, names);

        w.Line("/// <summary>");
        w.Doc("Images (Count, " + Int(l.ImageChannels) + ", " + Int(l.ImageSize) + ", " + Int(l.ImageSize)
            + "): a declared sampler denoises latents (SampleLatents), then the decoder runs once on the result. "
            + "<paramref name=\"onStep\"/> sees the latents. Latents are not data in [-1, 1]: sample them with "
            + "request.Thresholding = None.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " Sample", new[]
        {
            names["SamplerKind"] + " sampler",
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            names["OnStep"] + "? onStep = null",
        });
        w.Open();
        w.Lines(
            "using var noGrad = " + torch + ".no_grad();",
            "using var scope = " + torch + ".NewDisposeScope();",
            "var latents = SampleLatents(sampler, request, generator, denoiser, onStep);    // (Count, c, h, w)",
            "return DecodeLatents(latents).MoveToOuterDisposeScope();    // (Count, C, H, W), decoded once");
        w.Close();
        w.Close();
        return w.ToString();
    }

    /// <summary>The loss on a posterior's scaled latent with the labels, what a latent model's training optimises.</summary>
    private static void EmitLoss(CodeWriter w, ModelNames names)
    {
        w.Line("/// <summary>");
        w.Doc("The diffusion loss (TrainingLoss) on x_0 = s z, the scaled latent of <paramref name=\"posterior\"/> "
            + "(LatentsFromPosterior draws first from <paramref name=\"generator\"/>, then the loss): the autoencoder "
            + "stays frozen, so no gradient reaches it.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + names.Tensor + " LatentTrainingLoss", new[]
        {
            names["DiagonalGaussian"] + " posterior", names.Tensor + "? labels", names["Generator"] + " generator",
        });
        w.Open();
        w.Lines(
            "using var scope = " + names.Torch + ".NewDisposeScope();",
            "var x0 = LatentsFromPosterior(posterior, generator).detach();    // (N, c, h, w)",
            "return TrainingLoss(x0, labels, generator).MoveToOuterDisposeScope();");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// A text model's loss needs captions, which the interface's labels cannot carry: the trainer draws the latent
    /// (LatentsFromPosterior) and calls TrainingLoss(x0, text, generator) itself, as for pixels.
    /// </summary>
    private static void EmitTextLoss(CodeWriter w, ModelSpec m, ModelNames names)
    {
        w.Line("/// <summary>Throws: a text model trains on (latent, text) batches, TrainingLoss(LatentsFromPosterior(...), text, generator).</summary>");
        w.Wrapped(names.Tensor + " " + names["ILatentDiffusionModel"] + ".LatentTrainingLoss", new[]
        {
            names["DiagonalGaussian"] + " posterior", names.Tensor + "? labels", names["Generator"] + " generator",
        }, " =>");
        w.Lines(
            "    throw new " + names["InvalidOperationException"] + "(",
            "        \"" + m.Type.Name + " is conditioned on text: train it on (latent, text) batches, \"",
            "            + \"with TrainingLoss(LatentsFromPosterior(posterior, generator), text, generator).\");",
            "");
    }
}
