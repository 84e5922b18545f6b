using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Consistency.g.cs for a [ConsistencyModel]: its constants, the consistency function
/// f(x, s, y) of the declared VP network (Song et al. 2023, Eq. 5 and Appendix C, through the hub's x0_hat), and the
/// loss it trains with: consistency training (Song and Dhariwal 2023) or consistency distillation from the teacher's
/// DDIM step (Song et al. 2023, Algorithm 2).
/// </summary>
internal static class ConsistencyEmitter
{
    /// <summary>N of the distillation grid: Song et al. 2023, Sec. 5, use N = 18 on CIFAR-10.</summary>
    private const int DistillationLevels = 18;

    public static string Emit(ModelSpec m)
    {
        var c = m.Consistency!;
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Generator", "Scalar", "Denoiser", "ArgumentNullException",
            c.Teacher is null ? "" : "ArgumentException", "KarrasSigmas", "ConsistencyScalings", "DenoiserConsistency",
            "LevelTimesteps", "ImprovedConsistencyTraining", "IConsistencyModel", "ConsistencyLossContext");
        var teacher = c.Teacher is null ? null : names.Declared(c.Teacher.Type);
        w.Lines(
            "/// <summary>",
            "/// The consistency model declared on " + m.Type.Name + " (Song et al. 2023):",
            "/// <code>",
            "/// levels    s in [" + Double(c.SigmaMin) + ", " + Double(c.SigmaMax) + "], sigma_data = " + Double(c.SigmaData)
                + ", rho = " + Double(c.Rho),
            c.Teacher is null
                ? "/// trained   from data: consistency training (Song and Dhariwal 2023)"
                : "/// distilled from " + c.Teacher.Type.Name + " by its DDIM step (Song et al. 2023, Algorithm 2)"
                    + (c.Teacher.GuidanceScale is { } w0 && m.Network.IsClassConditional ? ", guided at w = " + Double(w0) : ""),
            "/// network   " + m.Network.Type.Name + " at x_vp = x / sqrt(1 + s^2) and the timestep of s, read through the hub's x0_hat",
            "/// </code>",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation: x = a sample at level s in the variance-exploding form x = x_0 + s z; x_vp = sqrt(abar) x with",
            "/// abar = 1 / (1 + s^2); D = the network's x0_hat; f = the consistency function. The network is conditioned on the",
            "/// timestep of s clamped to the schedule's levels; the math always uses s itself (see ConsistencyModelAttribute).",
            "/// </remarks>");
        w.Open("partial class " + Identifier(m.Type.Name) + " : " + names["IConsistencyModel"]);
        EmitConstants(w, m, c, names);
        EmitFunction(w, m, names);
        if (c.Teacher is null) EmitTrainingLoss(w, m, names);
        else EmitDistillationLoss(w, m, c.Teacher, teacher!, names);
        w.Close();
        return w.ToString();
    }

    private static void EmitConstants(CodeWriter w, ModelSpec m, ConsistencySpec c, ModelNames names)
    {
        var teacher = c.Teacher is null ? null : names.Declared(c.Teacher.Type);
        w.Lines(
            "/// <summary>s_min = epsilon, where f is the identity (declared; Song et al. 2023 use 0.002).</summary>",
            "public const double SigmaMin = " + Double(c.SigmaMin) + ";",
            "",
            "/// <summary>s_max = T, where sampling starts (declared; Song et al. 2023 use 80).</summary>",
            "public const double SigmaMax = " + Double(c.SigmaMax) + ";",
            "",
            "/// <summary>sigma_data of c_skip and c_out (declared; Karras et al. 2022, Sec. 5 use 0.5).</summary>",
            "public const double SigmaData = " + Double(c.SigmaData) + ";",
            "",
            "/// <summary>rho of the Karras levels (declared; Karras et al. 2022, Sec. 3 use 7).</summary>",
            "public const double Rho = " + Double(c.Rho) + ";",
            "");
        if (c.Teacher is not null)
        {
            w.Lines(
                "/// <summary>N, the levels of the distillation grid (Song et al. 2023, Sec. 5: 18 on CIFAR-10).</summary>",
                "public const int DistillationLevels = " + Int(DistillationLevels) + ";",
                "");
        }
        w.Lines(
            "/// <summary>c_skip, c_out and c_in at s_min and sigma_data (Song et al. 2023, Appendix C).</summary>",
            "public static " + names["ConsistencyScalings"] + " Scalings { get; } = new(SigmaMin, SigmaData);",
            "",
            "/// <summary>The levels s_1 = s_min &lt; ... &lt; s_N = s_max (Karras et al. 2022, Eq. 5).</summary>",
            "public static " + names["KarrasSigmas"] + " KarrasLevels { get; } = new(SigmaMin, SigmaMax, Rho);",
            "",
            "/// <summary>The teacher of consistency distillation, or null: trained from data (consistency training).</summary>",
            "global::System.Type? " + names["IConsistencyModel"] + ".TeacherType => "
                + (teacher is null ? "null;" : "typeof(" + teacher + ");"),
            "",
            "private " + names["LevelTimesteps"] + "? networkTimesteps;",
            "",
            "/// <summary>The network's fractional training timestep of a level, clamped to the schedule's levels.</summary>",
            "private " + names["LevelTimesteps"] + " NetworkTimesteps => networkTimesteps ??= new(Schedule.AlphasCumprod);",
            "");
    }

    private static void EmitFunction(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        var nullException = names["ArgumentNullException"];
        w.Lines(
            "/// <summary>",
            "/// f(x, s) = c_skip(s) x + ((s - s_min) / s) (D - c_skip^EDM(s) x) (Song et al. 2023, Eq. 5 and Appendix C with the",
            "/// raw output implied by D: Diffusion.Runtime.Scheduling.DenoiserConsistency), so f(x, s_min) = x exactly.",
            "/// <paramref name=\"x\"/> (N, C, H, W) is variance-exploding at the levels <paramref name=\"sigma\"/>: one (0-d) or one",
            "/// per sample (N). <paramref name=\"denoiser\"/>, when given, replaces the network; it receives x_vp and fractional",
            "/// float64 timesteps (the networks embed them in float32).",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " Consistency", new[]
        {
            tensor + " x", tensor + " sigma", tensor + "? labels", names["Denoiser"] + "? denoiser = null",
        });
        w.Open();
        w.Lines(
            "if (x is null) throw new " + nullException + "(nameof(x));",
            "if (sigma is null) throw new " + nullException + "(nameof(sigma));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "var model = denoiser ?? new " + names["Denoiser"] + "((xt, t, y) => Network.call(xt, t, y));",
            "using " + names["Scalar"] + " one = 1.0;    // disposed here, not left to the finalizer",
            "long n = x.shape[0];",
            "");
        int step = 1;
        w.Step(ref step, "One level per sample in x's dtype: s (N), and shaped (N, 1, 1, 1) to broadcast against x");
        w.Lines(
            "var s = sigma.to(x.dtype, x.device).expand(n);",
            "var level = s.reshape(n, 1, 1, 1);",
            "");
        w.Step(ref step, "abar = 1 / (1 + s^2) at level s (Song et al. 2023, Sec. 3): sqrt(abar) and sqrt(1 - abar) = s sqrt(abar)");
        w.Lines(
            "var sqrtAlphaBar = level.square().add_(one, one).rsqrt_();    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = level * sqrtAlphaBar;",
            "");
        w.Step(ref step, "x_vp = sqrt(abar) x = x / sqrt(1 + s^2), the same point of the VP process (Kingma et al. 2021, Sec. 4)");
        w.Line("var xvp = x * sqrtAlphaBar;    // (N, C, H, W)");
        w.Line();
        w.Step(ref step, "t: the fractional training timestep of s, clamped to the schedule's levels (log-linear interpolation)");
        w.Line("var t = NetworkTimesteps.Of(s);    // (N) float64");
        w.Line();
        w.Step(ref step, "The network's output at (x_vp, t, y)");
        w.Line("var output = model(xvp, t, labels);");
        w.Line();
        w.Step(ref step, "D = x0_hat from the parameterization hub");
        w.Line("var (_, cleanSample) = ToNoiseAndCleanSample(" + (m.LearnsVariance ? "SplitOutput(output).Prediction" : "output")
            + ", xvp, sqrtAlphaBar, sqrtOneMinusAlphaBar);");
        w.Line();
        w.Step(ref step, "f = c_skip x + ((s - s_min) / s) (D - c_skip^EDM x) (Song et al. 2023, Eq. 5; Karras et al. 2022, Table 1)");
        w.Line("return " + names["DenoiserConsistency"] + ".Apply(x, cleanSample, s, Scalings).MoveToOuterDisposeScope();");
        w.Close();
        w.Line();
    }

    /// <summary>The checks and the first lines every loss shares.</summary>
    private static void EmitLossOpening(CodeWriter w, ModelSpec m, ModelNames names, string? teacher)
    {
        var nullException = names["ArgumentNullException"];
        w.Line("if (x0 is null) throw new " + nullException + "(nameof(x0));");
        w.Line("if (generator is null) throw new " + nullException + "(nameof(generator));");
        if (teacher is not null) w.Line("if (teacher is null) throw new " + nullException + "(nameof(teacher));");
        if (m.Network.IsClassConditional)
        {
            w.Lines(
                "if (labels is null)",
                "{",
                "    throw new " + nullException + "(",
                "        nameof(labels), \"" + m.Type.Name + " is class-conditional: pass labels (N, int64) in 0.."
                    + Int(m.Network.Classes - 1) + ".\");",
                "}");
        }
        w.Lines(
            "using var scope = " + names.Torch + ".NewDisposeScope();",
            "long n = x0.shape[0];",
            "var shape = new long[] { n, 1, 1, 1 };",
            "using " + names["Scalar"] + " next = 1L, one = 1;    // the index step and the additions' alpha, disposed here",
            "");
    }

    private static void EmitTrainingLoss(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        w.Lines(
            "/// <summary>",
            "/// Consistency training (Song and Dhariwal 2023): E[lambda(s_i) d(f(x_0 + s_{i+1} z, s_{i+1}), sg f(x_0 + s_i z, s_i))]",
            "/// over the levels of training step <paramref name=\"step\"/> of <paramref name=\"totalSteps\"/>, with the online",
            "/// network under stop-gradient as the target (no EMA), the pseudo-Huber distance d, log-normal level sampling and",
            "/// lambda(s_i) = 1 / (s_{i+1} - s_i). Every random draw comes from <paramref name=\"generator\"/>; a",
            "/// <paramref name=\"denoiser\"/> replaces the network in f (an oracle in tests). Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " ConsistencyTrainingLoss", new[]
        {
            tensor + " x0", tensor + "? labels", names["Generator"] + " generator", "long step", "long totalSteps",
            names["Denoiser"] + "? denoiser = null",
        });
        w.Open();
        EmitLossOpening(w, m, names, null);
        int n = 1;
        w.Step(ref n, "N(k) = min(s_0 2^floor(k / K'), s_1) + 1 levels at step k of K (Song and Dhariwal 2023, Sec. 3.4)");
        w.Line("int count = " + names["ImprovedConsistencyTraining"] + ".LevelCount(step, totalSteps);");
        w.Line();
        w.Step(ref n, "s_1 < ... < s_N (Karras et al. 2022, Eq. 5)");
        w.Line("var levels = " + torch + ".tensor(KarrasLevels.Ascending(count), dtype: " + torch + ".float64, device: x0.device);");
        w.Line();
        w.Step(ref n, "i ~ p(i) with p(s_i) proportional to erf((ln s_{i+1} - P_mean) / (sqrt(2) P_std)) - erf((ln s_i - P_mean) / "
            + "(sqrt(2) P_std)) (Song and Dhariwal 2023, Sec. 3.5)");
        w.Lines(
            "var i = " + names["ImprovedConsistencyTraining"] + ".DrawLevelIndices(levels, n, generator);    // (N) int64, 0-based",
            "var lower = levels.index_select(0, i).to(x0.dtype);    // s_i (N)",
            "var upper = levels.index_select(0, i.add(next, one)).to(x0.dtype);    // s_{i+1} (N)",
            "");
        w.Step(ref n, "z ~ N(0, I) (Song et al. 2023, Algorithm 3, line 4)");
        w.Line("var noise = " + torch + ".randn(x0.shape, generator: generator, device: x0.device);    // (N, C, H, W)");
        w.Line();
        w.Step(ref n, "x_{i+1} = x_0 + s_{i+1} z and x_i = x_0 + s_i z, the same z (Song et al. 2023, Algorithm 3, line 5)");
        w.Lines(
            "var noisier = x0.add(upper.reshape(shape) * noise, one);",
            "var lessNoisy = x0.add(lower.reshape(shape) * noise, one);",
            "");
        w.Step(ref n, "The target f(x_i, s_i): the online network under stop-gradient, no EMA (Song and Dhariwal 2023, Sec. 3.2)");
        w.Line(tensor + " target;");
        w.Line("using (" + torch + ".no_grad()) target = Consistency(lessNoisy, lower, labels, denoiser).detach();");
        w.Line();
        EmitDistance(w, names, ref n, weighted: true);
        w.Close();
        w.Line();
        w.Lines(
            "/// <summary>The consistency-training loss at the context's step (the trainer's step, so resume is exact).</summary>");
        w.GeneratedCode();
        w.Wrapped(tensor + " " + names["IConsistencyModel"] + ".ConsistencyLoss", new[]
        {
            tensor + " x0", tensor + "? labels", names["Generator"] + " generator", names["ConsistencyLossContext"] + " context",
        }, " =>");
        w.Line("    ConsistencyTrainingLoss(x0, labels, generator, context.Step, context.TotalSteps);");
    }

    /// <summary>The online f, the pseudo-Huber distance to the target, and the (weighted) mean.</summary>
    private static void EmitDistance(CodeWriter w, ModelNames names, ref int n, bool weighted)
    {
        w.Step(ref n, weighted ? "f(x_{i+1}, s_{i+1}), the online network" : "f(x_{n+1}, s_{n+1}), the online network");
        w.Line("var online = Consistency(noisier, upper, labels, denoiser);    // (N, C, H, W)");
        w.Line();
        w.Step(ref n, "d = sqrt(||f - target||^2 + c^2) - c, c = 0.00054 sqrt(C H W) (Song and Dhariwal 2023, Sec. 3.3)");
        w.Line("var distance = " + names["ImprovedConsistencyTraining"] + ".PseudoHuber(online, target);    // (N)");
        w.Line();
        if (weighted)
        {
            w.Step(ref n, "The mean of lambda(s_i) d with lambda(s_i) = 1 / (s_{i+1} - s_i) (Song and Dhariwal 2023, Sec. 3.1)");
            w.Line("return ((upper - lower).reciprocal() * distance).mean().MoveToOuterDisposeScope();");
        }
        else
        {
            w.Step(ref n, "The mean of d, lambda = 1 (Song et al. 2023, Sec. 5)");
            w.Line("return distance.mean().MoveToOuterDisposeScope();");
        }
    }

    private static void EmitDistillationLoss(CodeWriter w, ModelSpec m, TeacherSpec t, string teacher, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        w.Lines(
            "/// <summary>",
            "/// Consistency distillation (Song et al. 2023, Algorithm 2): d(f(x_{n+1}, s_{n+1}), sg f(x^_n, s_n)) with",
            "/// x_{n+1} = x_0 + s_{n+1} z and x^_n one deterministic DDIM step of <paramref name=\"teacher\"/> from s_{n+1} to s_n",
            "/// on the grid of DistillationLevels levels; the online network under stop-gradient is the target and d the",
            "/// pseudo-Huber distance (Song and Dhariwal 2023, Sec. 3.2 and 3.3). Every random draw comes from",
            "/// <paramref name=\"generator\"/>; a <paramref name=\"denoiser\"/> replaces the student's network in f. Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " ConsistencyDistillationLoss", new[]
        {
            tensor + " x0", tensor + "? labels", names["Generator"] + " generator", teacher + " teacher",
            names["Denoiser"] + "? denoiser = null",
        });
        w.Open();
        EmitLossOpening(w, m, names, teacher);
        int n = 1;
        w.Step(ref n, "s_1 < ... < s_N, N = DistillationLevels (Karras et al. 2022, Eq. 5)");
        w.Line("var levels = " + torch + ".tensor(KarrasLevels.Ascending(DistillationLevels), dtype: " + torch
            + ".float64, device: x0.device);");
        w.Line();
        w.Step(ref n, "n ~ U{1, ..., N - 1} (Song et al. 2023, Algorithm 2, line 3; 0-based here)");
        w.Lines(
            "var i = " + torch + ".randint(0, DistillationLevels - 1, new long[] { n }, dtype: " + torch + ".int64,",
            "    device: x0.device, generator: generator);    // (N)",
            "var lower = levels.index_select(0, i).to(x0.dtype);    // s_n (N)",
            "var upper = levels.index_select(0, i.add(next, one)).to(x0.dtype);    // s_{n+1} (N)",
            "");
        w.Step(ref n, "x_{n+1} = x_0 + s_{n+1} z, z ~ N(0, I) (Song et al. 2023, Algorithm 2, line 4)");
        w.Lines(
            "var noise = " + torch + ".randn(x0.shape, generator: generator, device: x0.device);    // (N, C, H, W)",
            "var noisier = x0.add(upper.reshape(shape) * noise, one);",
            "");
        w.Step(ref n, "x^_n = x_{n+1} + (s_n - s_{n+1}) (x_{n+1} - D_teacher) / s_{n+1}: DDIM with eta = 0 as an Euler step "
            + "in s (Song et al. 2021, Sec. 4.3; Algorithm 2, line 5), then the target f(x^_n, s_n) under stop-gradient");
        w.Line(tensor + " target;");
        w.Open("using (" + torch + ".no_grad())");
        w.Lines(
            "var teacherClean = TeacherCleanSample(teacher, noisier, upper, labels);",
            "var eps = (noisier - teacherClean) / upper.reshape(shape);    // (x_{n+1} - D) / s_{n+1}",
            "var lessNoisy = noisier.add((lower - upper).reshape(shape) * eps, one);    // x^_n",
            "target = Consistency(lessNoisy, lower, labels, denoiser).detach();");
        w.Close();
        w.Line();
        EmitDistance(w, names, ref n, weighted: false);
        w.Close();
        w.Line();
        EmitTeacherCleanSample(w, m, t, teacher, names);
        w.Line();
        w.Lines(
            "/// <summary>The consistency-distillation loss with the context's teacher, which must be a " + t.Type.Name + ".</summary>");
        w.GeneratedCode();
        w.Wrapped(tensor + " " + names["IConsistencyModel"] + ".ConsistencyLoss", new[]
        {
            tensor + " x0", tensor + "? labels", names["Generator"] + " generator", names["ConsistencyLossContext"] + " context",
        }, " =>");
        w.Lines(
            "    ConsistencyDistillationLoss(x0, labels, generator, context.Teacher as " + teacher + " ?? throw new "
                + names["ArgumentException"] + "(",
            "        \"" + m.Type.Name + " is distilled from " + t.Type.Name + ": pass the teacher in the context.\", nameof(context)));");
    }

    /// <summary>
    /// D of the teacher at (x, s). Not IDiffusionModel.Predict: that reads sqrt(abar_t) from the schedule's table at
    /// integer timesteps, while consistency distillation evaluates the teacher between them, at sqrt(abar) = 1 / sqrt(1 + s^2).
    /// </summary>
    private static void EmitTeacherCleanSample(CodeWriter w, ModelSpec m, TeacherSpec t, string teacher, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        bool guided = t.GuidanceScale is not null && m.Network.IsClassConditional;
        w.Lines(
            "/// <summary>",
            "/// D_teacher(x, s): the teacher's x0_hat at the VE sample x and levels s (N), its network evaluated at x_vp and the",
            "/// timestep of s" + (guided ? ", guided at its declared weight w," : "") + " and read through its own parameterization hub.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("private " + tensor + " TeacherCleanSample", new[]
        {
            teacher + " teacher", tensor + " x", tensor + " sigma", tensor + "? labels",
        });
        w.Open();
        w.Lines(
            "using var scope = " + torch + ".NewDisposeScope();",
            "using " + names["Scalar"] + " one = 1.0;",
            "var level = sigma.reshape(x.shape[0], 1, 1, 1);",
            "var sqrtAlphaBar = level.square().add_(one, one).rsqrt_();    // 1 / sqrt(1 + s^2) (Song et al. 2023, Sec. 3)",
            "var sqrtOneMinusAlphaBar = level * sqrtAlphaBar;",
            "var xvp = x * sqrtAlphaBar;",
            "var t = NetworkTimesteps.Of(sigma);    // the teacher's schedule is this model's");
        string Prediction(string output) => t.LearnsVariance ? teacher + ".SplitOutput(" + output + ").Prediction" : output;
        if (guided)
        {
            var network = names.Network;
            w.Lines(
                "// eps_hat = eps(x, null) + w (eps(x, y) - eps(x, null)) (Ho and Salimans 2022, Eq. 6) at the teacher's w,",
                "// on its own prediction (affine in eps at fixed x_t, t)",
                "using " + names["Scalar"] + " nullLabel = " + network + ".NullLabel;",
                "var nullLabels = " + torch + ".full(labels!.shape, nullLabel, dtype: " + torch
                    + ".int64, device: labels.device);",
                "var both = teacher.Denoise(" + torch + ".cat(new[] { xvp, xvp }, 0), " + torch + ".cat(new[] { t, t }, 0),",
                "    " + torch + ".cat(new[] { labels, nullLabels }, 0));",
                "var halves = both.chunk(2, 0);    // conditional, unconditional",
                "var conditional = " + Prediction("halves[0]") + ";",
                "var unconditional = " + Prediction("halves[1]") + ";",
                "using " + names["Scalar"] + " weight = " + teacher + ".DefaultGuidanceScale;",
                "var prediction = unconditional.add((conditional - unconditional) * weight, one);");
        }
        else
        {
            w.Line("var prediction = " + Prediction("teacher.Denoise(xvp, t, labels)") + ";");
        }
        w.Lines(
            "var (_, cleanSample) = " + teacher + ".ToNoiseAndCleanSample(prediction, xvp, sqrtAlphaBar, sqrtOneMinusAlphaBar);",
            "return cleanSample.MoveToOuterDisposeScope();");
        w.Close();
    }
}
