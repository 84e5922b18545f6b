using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Distillation.g.cs for a [ProgressiveDistillation] student: the teacher and its guidance as
/// constants, the factory that starts the student from a teacher's weights, and the loss of one halving round
/// (Salimans and Ho 2022, Algorithm 2) on the nested grids of Diffusion.Runtime.Training.DistillationGrid.
/// </summary>
internal static class DistillationEmitter
{
    public static string Emit(ModelSpec m)
    {
        var d = m.Distillation!;
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Generator", "IDiffusionModel", "IDistillationStudent", "Denoiser",
            "DistillationGrid", "NetworkCopy", "CleanSampleThreshold", "Thresholding", "ArgumentNullException", "Scalar");
        var name = Identifier(m.Type.Name);
        var teacher = names.Type(d.Teacher);
        w.Line("/// <summary>");
        w.Doc("Progressive distillation of " + d.Teacher.Name + " into " + m.Type.Name + " (Salimans and Ho 2022, "
            + "Algorithm 2): each round the student learns to do two of its teacher's DDIM steps (eta = 0) in one, and "
            + "becomes the next round's teacher. " + (d.Guided
                ? "The declared teacher runs at guidance w = " + Double(d.Guidance) + ", which the student bakes in: sample it with w = 1."
                : "The teacher runs without guidance."));
        w.Line("/// </summary>");
        w.Open("partial class " + name);
        EmitConstants(w, d, teacher, names["IDistillationStudent"]);
        EmitFactories(w, m, names, teacher);
        EmitLoss(w, m, names);
        w.Line();
        w.Wrapped(names.Tensor + " " + names["IDistillationStudent"] + ".DistillationLoss", new[]
        {
            names["IDiffusionModel"] + " teacher", "int studentSteps", names.Tensor + " x0", names.Tensor + "? labels",
            names["Generator"] + " generator",
        }, " =>");
        w.Line("    DistillationLoss(teacher, studentSteps, x0, labels, generator);");
        w.Line();
        EmitTeacherStep(w, names);
        w.Close();
        return w.ToString();
    }

    private static void EmitConstants(CodeWriter w, DistillationSpec d, string teacher, string student)
    {
        w.Lines(
            "/// <summary>The declared teacher: the first round's.</summary>",
            "public static readonly global::System.Type TeacherType = typeof(" + teacher + ");",
            "",
            "global::System.Type " + student + ".TeacherType => TeacherType;",
            "",
            "/// <summary>",
            "/// The classifier-free guidance weight w (Ho and Salimans 2022, Eq. 6) the declared teacher runs at"
                + (d.Guided ? "; baked into" : ""),
            d.Guided
                ? "/// the student, which is sampled with one conditional pass (Meng et al. 2023, stage one at a fixed w)."
                : "/// (1: one conditional pass; 0: one pass with the null label).",
            "/// </summary>",
            "public const double TeacherGuidanceScale = " + Double(d.Guidance) + ";",
            "",
            "double " + student + ".TeacherGuidanceScale => TeacherGuidanceScale;",
            "");
    }

    private static void EmitFactories(CodeWriter w, ModelSpec m, ModelNames names, string teacher)
    {
        var name = Identifier(m.Type.Name);
        var network = names.Network;
        var nullException = names["ArgumentNullException"];
        var factories = new[]
        {
            (Teacher: teacher, Summary: "The first round's student: the declared teacher's network, copied (Algorithm 2)."),
            (Teacher: name, Summary: "A later round's student: the previous round's student, now its teacher, copied."),
        };
        foreach (var factory in factories)
        {
            w.Line("/// <summary>" + factory.Summary + "</summary>");
            w.GeneratedCode();
            w.Open("public static " + name + " FromTeacher(" + factory.Teacher + " teacher)");
            w.Line("if (teacher is null) throw new " + nullException + "(nameof(teacher));");
            w.Line("return new " + name + "(" + names["NetworkCopy"] + ".Of(teacher.Network, new " + network + "()));");
            w.Close();
            w.Line();
        }
    }

    private static void EmitLoss(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        var grid = names["DistillationGrid"];
        var nullException = names["ArgumentNullException"];
        var thresholding = names["Thresholding"];
        bool labelled = m.Network.IsClassConditional;
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Lines(
            "/// <summary>",
            "/// The loss of one halving round (Salimans and Ho 2022, Algorithm 2) for a batch x0 (N, C, H, W) in [-1, 1]"
                + (labelled ? " with" : ""),
            labelled
                ? "/// labels (N, int64): the student at <paramref name=\"studentSteps\"/> steps learns two DDIM steps of"
                : "/// and no labels: the student at <paramref name=\"studentSteps\"/> steps learns two DDIM steps of",
            "/// <paramref name=\"teacher\"/> (the declared teacher, else the previous round's student), on trailing grids that",
            "/// nest (DistillationGrid; an S whose grids do not nest is refused), weighted by max(SNR(t), 1) (Sec. 4).",
            "/// The declared teacher runs at <see cref=\"TeacherGuidanceScale\"/>; a teacher that is itself a distillation",
            "/// student has its guidance baked in and runs one conditional pass. The teacher's x0_hat is thresholded as its",
            "/// DDIM sampler does by default (<paramref name=\"teacherThresholding\"/>; the paper's code uses none in",
            "/// training). <paramref name=\"denoiser\"/>, when given, replaces the student's network. Every random draw",
            "/// comes from <paramref name=\"generator\"/>. Returns a scalar.",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation: alpha_t = sqrt(abar_t), sigma_t = sqrt(1 - abar_t), z_t = alpha_t x + sigma_t eps; the student steps",
            "/// t -> t'', the teacher t -> t' -> t'' (t'' = -1 after the last step: alpha = 1, sigma = 0).",
            "/// </remarks>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " DistillationLoss", new[]
        {
            names["IDiffusionModel"] + " teacher",
            "int studentSteps",
            tensor + " x0",
            tensor + "? labels",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            thresholding + " teacherThresholding = " + thresholding + ".Static",
        });
        w.Open();
        w.Lines(
            "if (teacher is null) throw new " + nullException + "(nameof(teacher));",
            "if (x0 is null) throw new " + nullException + "(nameof(x0));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));");
        if (labelled)
        {
            w.Lines(
                "if (labels is null)",
                "{",
                "    throw new " + nullException + "(",
                "        nameof(labels), \"" + m.Type.Name + " is class-conditional: pass labels (N, int64) in 0.." + Int(m.Network.Classes - 1) + ".\");",
                "}");
        }
        w.Lines(
            "using var scope = " + torch + ".NewDisposeScope();",
            "long n = x0.shape[0], rank = x0.dim();",
            "var grid = " + grid + ".Trailing(Schedule, studentSteps);    // t, t', t'' of each student step",
            "double guidanceScale = teacher is " + names["IDistillationStudent"] + " ? 1.0 : TeacherGuidanceScale;    // w",
            "");
        int n = 1;
        w.Step(ref n, "Student step i ~ Uniform{0, ..., S - 1}: t -> t'' for the student, t -> t' -> t'' for the teacher (Algorithm 2)");
        w.Lines(
            "var i = " + torch + ".randint(0, studentSteps, new long[] { n },",
            "    dtype: " + torch + ".int64, device: x0.device, generator: generator);    // (N)",
            "var t = grid.Timesteps(grid.Start, i);    // (N)",
            "var tMid = grid.Timesteps(grid.Middle, i);    // (N)",
            "var (alpha, sigma) = grid.Coefficients(grid.Start, i, rank);    // alpha_t, sigma_t: (N, 1, 1, 1)",
            "var (alphaMid, sigmaMid) = grid.Coefficients(grid.Middle, i, rank);    // alpha_t', sigma_t'",
            "var (alphaEnd, sigmaEnd) = grid.Coefficients(grid.End, i, rank);    // alpha_t'', sigma_t''",
            "");
        w.Step(ref n, "eps ~ N(0, I) and z_t = alpha_t x + sigma_t eps (Algorithm 2; Ho et al. 2020, Eq. 4)");
        w.Lines(
            "var noise = " + torch + ".randn(x0.shape, generator: generator, device: x0.device);    // (N, C, H, W)",
            "var zt = Schedule.QSample(x0, t, noise);    // (N, C, H, W)",
            "");
        w.Step(ref n, "Two DDIM steps of the teacher at eta = 0, without gradients (Algorithm 2; Song et al. 2021, Eq. 12)");
        w.Line(tensor + " zEnd;    // z_t''");
        w.Open("using (" + torch + ".no_grad())");
        w.Lines(
            "var zMid = TeacherDdimStep(teacher, zt, t, labels, guidanceScale, teacherThresholding,",
            "    alpha, sigma, alphaMid, sigmaMid);    // z_t'",
            "zEnd = TeacherDdimStep(teacher, zMid, tMid, labels, guidanceScale, teacherThresholding,",
            "    alphaMid, sigmaMid, alphaEnd, sigmaEnd);");
        w.Close();
        w.Line();
        w.Step(ref n, "x~ = (z_t'' - (sigma_t'' / sigma_t) z_t) / (alpha_t'' - (sigma_t'' / sigma_t) alpha_t) (Algorithm 2): the x0_hat "
            + "with which one DDIM step from z_t lands on z_t''; the teacher's last x0_hat at the last step");
        w.Lines(
            "var ratio = sigmaEnd / sigma;    // sigma_t'' / sigma_t: (N, 1, 1, 1)",
            "var target = (zEnd - ratio * zt) / (alphaEnd - ratio * alpha);    // x~: (N, C, H, W)",
            "");
        w.Step(ref n, "The student's x0_hat at (z_t, t, y) through its hub; labels kept (not dropped): the guided teacher is baked in");
        w.Lines(
            "var student = denoiser ?? new " + names["Denoiser"] + "(Denoise);",
            "var output = student(zt, t, labels);    // (N, " + channels + ", H, W)",
            "var (_, cleanSample) = ToNoiseAndCleanSample(" + (m.LearnsVariance ? "SplitOutput(output).Prediction" : "output")
                + ", zt, alpha, sigma);    // x0_hat",
            "");
        w.Step(ref n, "L = mean over pixels and batch of max(SNR(t), 1) || x0_hat - x~ ||^2, \"truncated SNR\" (Sec. 4)");
        w.Lines(
            "var weight = grid.TruncatedSnrWeight(i, rank);    // (N, 1, 1, 1)",
            "using " + names["Scalar"] + " two = 2;    // disposed here, not left to the finalizer",
            "var loss = (weight * (cleanSample - target).pow(two)).mean();    // ()",
            "return loss.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static void EmitTeacherStep(CodeWriter w, ModelNames names)
    {
        var tensor = names.Tensor;
        var threshold = names["CleanSampleThreshold"];
        w.Lines(
            "/// <summary>",
            "/// One DDIM step of the teacher at eta = 0 from z at timesteps t (N) to the level (alphaNext, sigmaNext):",
            "/// z_s = alpha_s x0_hat + sigma_s eps (Song et al. 2021, Eq. 12), as the teacher's DdimStep computes it: the",
            "/// teacher's (eps, x0_hat), with eps recomputed from a thresholded x0_hat.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("private static " + tensor + " TeacherDdimStep", new[]
        {
            names["IDiffusionModel"] + " teacher",
            tensor + " z",
            tensor + " t",
            tensor + "? labels",
            "double guidanceScale",
            names["Thresholding"] + " thresholding",
            tensor + " alpha",
            tensor + " sigma",
            tensor + " alphaNext",
            tensor + " sigmaNext",
        });
        w.Open();
        w.Line("var (noise, cleanSample) = teacher.Predict(z, t, labels, guidanceScale);    // (eps, x0_hat)");
        w.Open("if (thresholding != " + names["Thresholding"] + ".None)");
        w.Lines(
            "cleanSample = " + threshold + ".Apply(cleanSample, thresholding, " + threshold + ".DefaultPercentile);",
            "noise = NoiseFromCleanSample(z, cleanSample, alpha, sigma);    // eps of the thresholded x0_hat");
        w.Close();
        w.Lines(
            "using " + names["Scalar"] + " one = 1;    // the addition's alpha, disposed here, not left to the finalizer",
            "return (alphaNext * cleanSample).add(sigmaNext * noise, one);    // Song et al. 2021, Eq. 12 at sigma = 0");
        w.Close();
    }
}
