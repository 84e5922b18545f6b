using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// The shipped U-Net, noisy-classifier, few-step, autoencoder, latent, cascade, text and unCLIP releases load into the
/// declared models and drive the commands that use them.
/// </summary>
public class ShippedCheckpointTests
{
    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    [Fact]
    public void The_unet_release_samples_with_classifier_guidance_from_the_noisy_classifier_release()
    {
        using var folder = new TempFolder();
        string grid = folder.Combine("grid.png");
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "sample", "--model", "unet", "--checkpoint", Example("reference-unet"),
            "--count", "10", "--steps", "2", "--guidance", "0", "--classifier", Example("noisy-classifier"), "--classifier-scale", "4", "--out", grid);
        Assert.True(exitCode == 0, output + error);
        Assert.True(File.Exists(grid));
        Assert.Contains("classifier guidance s = 4", output);
    }

    /// <summary>
    /// A few-step release samples digits the evaluation classifier reads as intended in its own steps, unguided (the
    /// teacher's w = 4 is baked in): 50 samples at a fixed seed (in docs/benchmarks.md the shares are 99.5 % or more;
    /// 90 % leaves room for the smaller sample, and would fail for a release that stopped loading right). The latent
    /// consistency model decodes its one step's latents with the autoencoder inside its release.
    /// </summary>
    [Theory]
    [InlineData("dit-cd", "consistency-distilled", "consistency", 1)]
    [InlineData("dit-pd", "progressive-distilled", "ddim", 1)]
    [InlineData("ldm-cd", "latent-consistency", "consistency", 1)]
    public void A_few_step_release_samples_digits_read_as_intended(string model, string release, string sampler, int steps)
    {
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", model, "--checkpoint", Example(release),
            "--sampler", sampler, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--guidance", "1", "--classifier", Example("evaluation"),
            "--per-class", "5", "--seed", "0");
        Assert.True(exitCode == 0, output + error);
        Assert.True(Share(output, 50) >= 90, output);
    }

    /// <summary>
    /// The latent releases (a DiT and a U-Net on the shipped autoencoder's 7x7x4 latents) load with their frozen
    /// autoencoder and latent scale inside and sample digits read as intended: 30 guided DDIM-10 samples, no
    /// thresholding, from the latent models' default steps (900, 800, ...; docs/benchmarks.md has 100.0 % of 200 at
    /// DDIM-20 for both).
    /// </summary>
    [Theory]
    [InlineData("ldm", "latent-diffusion")]
    [InlineData("ldm-unet", "latent-unet")]
    public void A_latent_release_samples_digits_read_as_intended(string model, string release)
    {
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", model, "--checkpoint", Example(release),
            "--steps", "10", "--classifier", Example("evaluation"), "--per-class", "3", "--seed", "0");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("None thresholding", output);
        Assert.True(Share(output, 30) >= 80, output);
    }

    /// <summary>
    /// The latent text release (ldm-text: its autoencoder and latent scale inside, the example's frozen MiniLM encoding the
    /// prompts) draws the digit a held-out phrasing names: the ten "number k" prompts of the committed held-out list, 3
    /// guided DDIM-10 samples each (docs/benchmarks.md has 100 % digit adherence on all 100 held-out prompts at DDIM-20;
    /// 80 % would fail for a release whose text stopped reaching the network).
    /// </summary>
    [Fact]
    public void The_latent_text_release_draws_the_digit_a_held_out_prompt_names()
    {
        using var folder = new TempFolder();
        string prompts = folder.Combine("prompts.tsv");
        File.WriteAllLines(prompts, File.ReadLines(Example(Path.Combine("Data", "held-out-prompts.tsv"))).Where(line => line.Contains("\t-\tnumber ")));
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", "ldm-text", "--checkpoint", Example("latent-text"),
            "--steps", "10", "--evaluator", Example("evaluation"), "--prompts", prompts, "--per-prompt", "3", "--seed", "0");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("None thresholding", output);
        var share = Regex.Match(output, @"all prompts \(10\): digit adherence ([0-9.]+) %");
        Assert.True(share.Success, output);
        Assert.True(double.Parse(share.Groups[1].Value, CultureInfo.InvariantCulture) >= 80, output);
    }

    /// <summary>
    /// unCLIP's two releases evaluated as one chain (evaluate --prior): each "number k" prompt of the held-out list goes
    /// through the prior release (MiniLM, then the prior's DDIM at its declared guidance, the sample scaled to unit
    /// length) into the latent decoder release, 3 guided DDIM-10 samples each (docs/benchmarks.md has the 100-prompt
    /// figures; 80 % would fail for a chain whose embedding stopped reaching the decoder). A prior, a model reading
    /// tokens, a model without text and a --prior that is no prior are refused with messages.
    /// </summary>
    [Fact]
    public void The_unclip_releases_draw_the_digit_a_held_out_prompt_names_through_the_prior()
    {
        using var folder = new TempFolder();
        string prompts = folder.Combine("prompts.tsv");
        File.WriteAllLines(prompts, File.ReadLines(Example(Path.Combine("Data", "held-out-prompts.tsv"))).Where(line => line.Contains("\t-\tnumber ")));
        string[] judge = ["--evaluator", Example("evaluation"), "--prompts", prompts, "--per-prompt", "3", "--steps", "10", "--seed", "0"];
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), ["evaluate", "--model", "ldm-decoder", "--checkpoint",
            Example("unclip-decoder"), "--prior", Example("unclip-prior"), .. judge]);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Ddim with 10 steps, guidance 2 over text, no thresholding; embeddings scaled to unit length", output);
        Assert.Contains("through prior MnistPrior, encoder sentence-transformers/all-MiniLM-L6-v2", output);
        var share = Regex.Match(output, @"all prompts \(10\): digit adherence ([0-9.]+) %");
        Assert.True(share.Success, output);
        Assert.True(double.Parse(share.Groups[1].Value, CultureInfo.InvariantCulture) >= 80, output);

        void Refused(string expected, params string[] args)
        {
            var refused = ExampleCli.Run(TimeSpan.FromMinutes(1), ["evaluate", .. args, .. judge]);
            Assert.True(refused.ExitCode == 1, refused.Output + refused.Error);
            Assert.Contains(expected, refused.Error);
        }
        Refused("MnistPrior is an unCLIP prior: it makes image embeddings; evaluate its decoder with --prior",
            "--model", "dit-prior", "--checkpoint", Example("unclip-prior"));
        Refused("--prior: MnistLatentTextDiffusion cross-attends over text tokens",
            "--model", "ldm-text", "--checkpoint", Example("latent-text"), "--prior", Example("unclip-prior"));
        Refused("--prior is for an unCLIP decoder; MnistLatentDiffusion is not conditioned on embeddings",
            "--model", "ldm", "--checkpoint", Example("latent-diffusion"), "--prior", Example("unclip-prior"));
        Refused("which is not an unCLIP prior ([DiffusionPrior])",
            "--model", "ldm-decoder", "--checkpoint", Example("unclip-decoder"), "--prior", Example("latent-text"));
    }

    /// <summary>
    /// The cascade from text's two releases evaluated as one chain: each "number k" prompt of the held-out list drawn by
    /// the 14x14 base and raised by the upsampler, 3 samples each, guided DDIM-10 (docs/benchmarks.md reads the whole
    /// held-out list at DDIM-20); the refusals of what the chain cannot take.
    /// </summary>
    [Fact]
    public void The_text_cascade_releases_draw_the_digit_a_held_out_prompt_names()
    {
        using var folder = new TempFolder();
        string prompts = folder.Combine("prompts.tsv");
        File.WriteAllLines(prompts, File.ReadLines(Example(Path.Combine("Data", "held-out-prompts.tsv"))).Where(line => line.Contains("\t-\tnumber ")));
        string[] stages = ["--model", "text-cascade", "--checkpoint", "text-base14=" + Example("text-cascade-base14"),
            "--checkpoint", "upsampler28=" + Example("text-cascade-upsampler28")];
        string[] judge = ["--evaluator", Example("evaluation"), "--prompts", prompts, "--per-prompt", "3", "--steps", "10", "--seed", "0"];
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), ["evaluate", .. stages, .. judge]);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("MnistTextCascade: 2 stages, the upsamplers unguided at augmentation level as declared", output);
        Assert.Contains("Ddim, 10 steps, eta 0, guidance 4 over text, Dynamic thresholding, seed 0", output);
        var share = Regex.Match(output, @"all prompts \(10\): digit adherence ([0-9.]+) %");
        Assert.True(share.Success, output);
        Assert.True(double.Parse(share.Groups[1].Value, CultureInfo.InvariantCulture) >= 80, output);

        var fromLabels = ExampleCli.Run(TimeSpan.FromMinutes(1), ["evaluate", .. stages, "--evaluator", Example("evaluation"), "--data", prompts]);
        Assert.True(fromLabels.ExitCode == 1, fromLabels.Output + fromLabels.Error);
        Assert.Contains("--data: MnistTextCascade is judged by its prompts (--prompts), not by the Frechet distance.", fromLabels.Error);
        var throughPrior = ExampleCli.Run(TimeSpan.FromMinutes(1), ["evaluate", .. stages, .. judge, "--prior", Example("unclip-prior")]);
        Assert.True(throughPrior.ExitCode == 1, throughPrior.Output + throughPrior.Error);
        Assert.Contains("--prior: MnistTextBase14 cross-attends over text tokens", throughPrior.Error);
        var labelled = ExampleCli.Run(TimeSpan.FromMinutes(1), ["evaluate", "--model", "cascade", "--checkpoint", "base14=" + Example("cascade-base14"),
            "--checkpoint", "sr28=" + Example("cascade-sr28"), "--evaluator", Example("evaluation"), "--prior", Example("unclip-prior")]);
        Assert.True(labelled.ExitCode == 1, labelled.Output + labelled.Error);
        Assert.Contains("--prior is for an unCLIP decoder; MnistCascade is a cascade whose base is not conditioned on embeddings.", labelled.Error);
    }

    /// <summary>
    /// sample --spacing reaches the sampler: on the latent U-Net release, leading spacing draws the grid the model's
    /// default draws (the same PNG), trailing spacing (which starts at T - 1) another; the consistency sampler refuses it.
    /// </summary>
    [Fact]
    public void The_spacing_option_chooses_the_steps_the_sampler_visits()
    {
        using var folder = new TempFolder();
        byte[] Grid(string name, params string[] spacing)
        {
            string path = folder.Combine(name + ".png");
            var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), ["sample", "--model", "ldm-unet", "--checkpoint",
                Example("latent-unet"), "--count", "10", "--steps", "3", "--seed", "1", "--out", path, .. spacing]);
            Assert.True(exitCode == 0, output + error);
            if (spacing.Length > 0) Assert.Contains($"3 steps, {spacing[1]} spacing", output);
            return File.ReadAllBytes(path);
        }
        byte[] byDefault = Grid("default");
        Assert.Equal(byDefault, Grid("leading", "--spacing", "leading"));
        Assert.NotEqual(byDefault, Grid("trailing", "--spacing", "trailing"));

        var consistency = ExampleCli.Run(TimeSpan.FromMinutes(3), "sample", "--model", "dit-cd", "--checkpoint", Example("consistency-distilled"),
            "--sampler", "consistency", "--steps", "1", "--spacing", "leading", "--out", folder.Combine("cd.png"));
        Assert.Equal(1, consistency.ExitCode);
        Assert.Contains("--spacing is for DDPM and DDIM; the Consistency sampler visits its own noise levels", consistency.Error);
        Assert.False(File.Exists(folder.Combine("cd.png")));
    }

    /// <summary>
    /// The cascade's two releases evaluated as one model: 30 final 28x28 digits, DDIM-10 per stage, read as intended
    /// (docs/benchmarks.md has the 200-sample figures); a single path for a cascade and an augmentation level for a
    /// model that is not one are refused with messages.
    /// </summary>
    [Fact]
    public void The_cascade_releases_evaluate_as_one_model()
    {
        string[] stages = ["--checkpoint", "base14=" + Example("cascade-base14"), "--checkpoint", "sr28=" + Example("cascade-sr28")];
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), ["evaluate", "--model", "cascade", .. stages,
            "--steps", "10", "--classifier", Example("evaluation"), "--per-class", "3", "--seed", "0"]);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("through 2 stages", output);
        Assert.True(Share(output, 30) >= 80, output);

        var single = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", "cascade", "--checkpoint", Example("cascade-base14"),
            "--classifier", Example("evaluation"));
        Assert.Equal(1, single.ExitCode);
        Assert.Contains("takes STAGE=PATH, once per stage", single.Error);
        var level = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", "dit-pd", "--checkpoint", Example("progressive-distilled"),
            "--classifier", Example("evaluation"), "--augmentation-level", "10");
        Assert.Equal(1, level.ExitCode);
        Assert.Contains("--augmentation-level: MnistDistilledDiffusion is not a cascade", level.Error);
    }

    /// <summary>The share evaluate printed for <paramref name="count"/> samples, in percent.</summary>
    private static double Share(string output, int count)
    {
        var share = Regex.Match(output, $@"([0-9.]+) % of {count} samples classified as their intended class");
        Assert.True(share.Success, output);
        return double.Parse(share.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// evaluate on the shipped autoencoder: its reconstructions of a labelled folder (noise images here: the test has no
    /// MNIST; docs/benchmarks.md has the held-out digits' figures) are scored by error, PSNR, the evaluator's accuracy on
    /// both and the feature distance, and a diffusion-only option is refused with a message.
    /// </summary>
    [Fact]
    public void The_autoencoder_release_is_scored_by_its_reconstructions()
    {
        using var folder = new TempFolder();
        string data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 2);
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", "ae", "--checkpoint", Example("autoencoder"),
            "--classifier", Example("evaluation"), "--data", data, "--count", "20");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("20 images of", output);
        var psnr = Regex.Match(output, @"mean absolute error ([0-9.]+) per pixel in \[-1, 1\], PSNR ([0-9.]+) dB");
        Assert.True(psnr.Success, output);
        Assert.InRange(double.Parse(psnr.Groups[2].Value, CultureInfo.InvariantCulture), 1, 60);
        Assert.Matches(@"evaluator accuracy: [0-9.]+ % on the originals, [0-9.]+ % on their reconstructions", output);
        Assert.Contains("between the evaluator's features of the originals and of their reconstructions", output);

        var refused = ExampleCli.Run(TimeSpan.FromMinutes(3), "evaluate", "--model", "ae", "--checkpoint", Example("autoencoder"),
            "--classifier", Example("evaluation"), "--data", data, "--held-out", data);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--held-out: MnistAutoencoder is an autoencoder", refused.Error);
    }

    [Fact]
    public void The_noisy_classifier_release_loads_and_the_dit_reference_is_refused_as_a_unet()
    {
        using var folder = new TempFolder();
        string data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 1);
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "noisy-accuracy", "--classifier", Example("noisy-classifier"), "--data", data, "--timesteps", "0");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("t =    0", output);

        // A checkpoint of another model is refused with a message naming its config and what differs, not loaded: the
        // DiT reference's name and transformer hyperparameters against the U-Net's.
        var refused = ExampleCli.Run(TimeSpan.FromMinutes(3), "sample", "--model", "unet", "--checkpoint", Example("reference"), "--count", "10", "--steps", "2", "--out", folder.Combine("x.png"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"error: '{Path.Combine(Example("reference"), "config.json")}' was written for another model: ", refused.Error);
        Assert.Contains("Name: checkpoint 'MnistDiffusion', model 'MnistUNetDiffusion'", refused.Error);
        Assert.Contains("Network.patch_size: checkpoint 4, model none", refused.Error);
        Assert.Contains("Network.base_channels: checkpoint none, model 32", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error); // a message, not a stack trace
        Assert.False(File.Exists(folder.Combine("x.png")));
    }
}
