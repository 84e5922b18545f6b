using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Random Diffusion.Dsl declarations for the robustness fuzz, one to three source files per case, from four families:
/// structured (attributes with random and wrong arguments, half of them mostly valid), token mutations of valid
/// declarations (a token deleted, doubled, swapped or replaced), odd shapes (roles on structs, interfaces, nested,
/// generic or static classes, partial classes split across files, cycles, aliases, duplicates) and token soup.
/// </summary>
internal static class RandomDeclarations
{
    private static readonly string[] IntValues =
    {
        "1", "2", "3", "4", "8", "28", "32", "192", "0", "-1", "-2147483648", "2147483647", "int.MaxValue", "int.MinValue", "100000",
        "65536", "1 << 30", "46341", "\"eight\"", "1.5", "null", "true", "'a'", "(int)ScheduleKind.Cosine", "999999999999", "long.MaxValue",
        "default", "sizeof(int)", "nameof(S)", "checked(int.MaxValue + 1)", "unchecked(int.MaxValue + 1)", "0x7fffffff", "1_000_000",
        "(int)1e10", "+-1", "~0", "int.Parse(\"1\")", "Missing.Value", "typeof(int)",
    };
    private static readonly string[] DoubleValues =
    {
        "0.1", "0", "1.0", "-0.5", "4", "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "double.Epsilon", "1e308", "1e400",
        "-0.0", "0.9999999999999999", "1", "\"x\"", "null", "0.999", "float.MaxValue", "1m", "int.MaxValue", "double.MaxValue", "'c'",
    };
    private static readonly string[] Enums =
    {
        "ScheduleKind.Cosine", "ScheduleKind.Linear", "(ScheduleKind)9", "(ScheduleKind)(-1)", "SamplerKind.Ddim", "SamplerKind.Ddpm",
        "(SamplerKind)5", "DiTSize.S", "DiTSize.XL", "(DiTSize)-1", "(DiTSize)4", "Prediction.Noise", "(Prediction)3", "7", "null",
        "\"Cosine\"", "default", "Thresholding.Static", "ScheduleKind.Cosine | ScheduleKind.Linear", "(ScheduleKind)int.MaxValue",
    };
    private static readonly string[] Types =
    {
        "typeof(S)", "typeof(N)", "typeof(D)", "typeof(string)", "typeof(Missing)", "null", "typeof(S<>)", "\"S\"", "typeof(S[])",
        "typeof(int*)", "typeof(System.Int32)", "typeof(global::R.S)", "typeof(dynamic)", "typeof(N.Inner)", "typeof(void)", "default",
    };
    private static readonly string[] Modifiers =
    {
        "public class", "public static partial class", "public abstract partial class", "partial record", "partial struct",
        "public partial interface", "public sealed partial class", "public partial record struct", "public unsafe partial class",
        "public partial class<T>", "public partial class /* generic? */",
        // Not "internal partial class" beside public ones: a public model of an internal network does not compile, and the
        // generator does not yet report that mismatch (OddShape declares all three internal, which works).
    };

    public static string[] Create(Random random) => random.Next(100) switch
    {
        < 30 => [Structured(random)],
        < 45 => [StructuredUNet(random)],
        < 70 => [Mutated(random)],
        < 90 => OddShape(random),
        _ => [Soup(random)],
    };

    private static string Pick(Random random, IReadOnlyList<string> values) => values[random.Next(values.Count)];

    /// <summary>Schedule S, network N and model D with random attribute arguments; half mostly valid, half wild.</summary>
    public static string Structured(Random random, bool? valid = null)
    {
        double bad = valid switch { true => 0, false => 1.0, null => random.NextDouble() < 0.5 ? 0.04 : 1.0 };
        bool Maybe(double p = 0.5) => random.NextDouble() < p;
        string Value(string[] good, string[] wild) => Maybe(bad) ? Pick(random, wild) : Pick(random, good);
        string Named(string name, string[] good, string[] wild) => Maybe(bad < 1 ? 1.0 - bad : 0.8) ? name + " = " + Value(good, wild) : "";
        string Args(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
        string Modifier() => !Maybe(bad / 2) ? "public partial class" : Pick(random, Modifiers);
        bool Present(double wildP) => bad < 1 ? !Maybe(bad) : Maybe(wildP);

        string[] schedules = { "ScheduleKind.Cosine", "ScheduleKind.Linear" };
        string[] steps = { "10", "1000" };
        string[] sizes = { "8", "16", "32" };
        string[] channels = { "1", "3" };
        string[] patches = { "2", "4" };
        string[] widths = { "32", "64" };
        string[] heads = { "2", "4" };
        string[] depths = { "1", "2" };
        string[] classes = { "3", "10" };
        string[] rates = { "0.1", "0.2" };
        string[] samplerKinds = { "SamplerKind.Ddim", "SamplerKind.Ddpm" };

        var text = new StringBuilder("using Diffusion.Dsl;\n\nnamespace R;\n\n");
        if (Present(0.9)) text.Append("[NoiseSchedule(" + Args(Value(schedules, Enums), Named("Timesteps", steps, IntValues)) + ")]\n");
        text.Append(Modifier() + " S;\n\n");

        if (Present(0.9)) text.Append("[DiffusionTransformer(" + Args(Named("InputSize", sizes, IntValues), Named("InChannels", channels, IntValues), Maybe(bad / 5) ? "Bogus = 1" : "") + ")]\n");
        if (Maybe(bad < 1 ? 0.02 : 0.3)) text.Append("[DiTPreset(" + Args(Pick(random, Enums), Named("PatchSize", patches, IntValues)) + ")]\n");
        if (Present(0.7)) text.Append("[Patchify(" + Args(Named("PatchSize", patches, IntValues), Named("Width", widths, IntValues)) + ")]\n");
        if (Maybe(0.3)) text.Append("[TimestepEmbedding(" + Named("FrequencyDim", new[] { "16", "256" }, IntValues) + ")]\n");
        if (Maybe(0.5)) text.Append("[LabelEmbedding(" + Args(Named("Classes", classes, IntValues), Named("DropRate", rates, DoubleValues)) + ")]\n");
        if (Present(0.7)) text.Append("[AdaLnZeroBlocks(" + Args(Named("Depth", depths, IntValues), Named("Heads", heads, IntValues), Maybe(0.3) ? Named("MlpRatio", new[] { "2.0", "4" }, DoubleValues) : "") + ")]\n");
        if (Maybe(bad / 10)) text.Append("[NoiseSchedule(ScheduleKind.Linear)]\n");
        text.Append(Modifier() + " N;\n\n");

        if (Present(0.9)) text.Append("[DiffusionModel(" + Args(Value(new[] { "typeof(S)" }, Types), Value(new[] { "typeof(N)" }, Types), Maybe(0.3) ? "Predicts = " + Value(new[] { "Prediction.Noise" }, Enums) : "") + ")]\n");
        int samplers = bad < 1 ? 1 + random.Next(0, 2) : random.Next(0, 5);
        for (int i = 0; i < samplers; i++) text.Append("[Sampler(" + (bad < 1 ? samplerKinds[i % 2] : Pick(random, Enums)) + ")]\n");
        if (Maybe(0.4)) text.Append("[ClassifierFreeGuidance(" + Named("Scale", new[] { "4.0", "1.5" }, DoubleValues) + ")]\n");
        text.Append(Modifier() + " D;\n");

        var source = text.ToString();
        if (Maybe(bad < 1 ? 0.02 : 0.25))
        {
            // Broken syntax: cut the text somewhere, or drop in a stray token.
            int at = random.Next(source.Length);
            source = Maybe() ? source.Substring(0, at) : source.Insert(at, Pick(random, new[] { "(", ")]", "[", "{", ",", "typeof(", "= =", "\"", "#if X\n", "/*", "@" }));
        }
        return source;
    }

    /// <summary>Schedule S, U-Net N, model D, encoder E and noisy classifier C with random arguments; half mostly valid, half wild.</summary>
    public static string StructuredUNet(Random random)
    {
        double bad = random.NextDouble() < 0.5 ? 0.04 : 1.0;
        bool Maybe(double p = 0.5) => random.NextDouble() < p;
        string Value(string[] good, string[] wild) => Maybe(bad) ? Pick(random, wild) : Pick(random, good);
        string Named(string name, string[] good, string[] wild) => Maybe(bad < 1 ? 1.0 - bad : 0.8) ? name + " = " + Value(good, wild) : "";
        string Args(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
        bool Present(double wildP) => bad < 1 ? !Maybe(bad) : Maybe(wildP);

        string[] sizes = { "8", "16" };
        string[] lists = { "new[] { 1, 2 }", "new[] { 1 }", "new[] { 1, 1, 2 }" };
        string[] wildLists = { "new int[0]", "null", "new[] { 0, 2 }", "new[] { -1 }", "new[] { 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 }", "new[] { 2147483647 }", "new[] { 1, 2 }" };
        string[] attention = { "new[] { 8 }", "new int[0]", "new[] { 4 }" };
        string[] wildAttention = { "null", "new[] { 3 }", "new[] { -8, 8, 8 }", "new[] { 0 }" };
        string[] bases = { "8", "16" };
        string[] groups = { "4", "8" };
        string[] heads = { "1", "2" };
        string Pyramid() => Args(Named("InputSize", sizes, IntValues), Named("InChannels", new[] { "1", "3" }, IntValues), Named("BaseChannels", bases, IntValues),
            Named("ChannelMultipliers", lists, wildLists), Named("ResBlocks", new[] { "1", "2" }, IntValues), Named("AttentionResolutions", attention, wildAttention),
            Named("Heads", heads, IntValues), Named("NormGroups", groups, IntValues), Maybe(0.3) ? Named("Dropout", new[] { "0.1", "0.0" }, DoubleValues) : "",
            Maybe(0.3) ? "ScaleShiftNorm = " + (Maybe() ? "true" : "false") : "");

        var text = new StringBuilder("using Diffusion.Dsl;\n\nnamespace R;\n\n");
        if (Present(0.9)) text.Append("[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 10)]\n");
        text.Append("public partial class S;\n\n");
        bool learn = Maybe(0.3);
        if (Present(0.9)) text.Append("[UNet(" + Args(Pyramid(), learn ? "LearnSigma = true" : "") + ")]\n");
        if (Maybe(0.5)) text.Append("[LabelEmbedding(" + Named("Classes", new[] { "3" }, IntValues) + ")]\n");
        text.Append("public partial class N;\n\n");
        if (Present(0.9))
        {
            text.Append("[DiffusionModel(" + Args(Value(new[] { "typeof(S)" }, Types), Value(new[] { "typeof(N)" }, Types),
                learn && bad < 1 ? "Variance = ReverseVariance.Learned, Objective = Objective.Hybrid" : "") + ")]\n");
        }
        text.Append("[Sampler(SamplerKind.Ddim)]\n");
        if (Maybe(0.3)) text.Append("[ClassifierFreeGuidance]\n");
        text.Append("public partial class D;\n\n");
        if (Present(0.9)) text.Append("[UNetEncoder(" + Args(Pyramid(), Named("Outputs", new[] { "3", "10" }, IntValues)) + ")]\n");
        if (Maybe(bad / 5)) text.Append("[LabelEmbedding(Classes = 3)]\n");
        text.Append("public partial class E;\n\n");
        if (Present(0.9)) text.Append("[NoisyClassifier(" + Args(Value(new[] { "typeof(S)" }, Types), Value(new[] { "typeof(E)" }, Types)) + ")]\n");
        text.Append("public partial class C;\n");
        return text.ToString();
    }

    /// <summary>A valid declaration with one to three token edits.</summary>
    private static string Mutated(Random random)
    {
        string valid = random.Next(6) switch { 0 => Sources.Mnist, 1 => Sources.LatentDitS2, _ => Structured(random, valid: true) };
        var tokens = SyntaxFactory.ParseTokens(valid).Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).Select(t => t.ToFullString()).ToList();
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && tokens.Count > 1; e++)
        {
            int at = random.Next(tokens.Count);
            switch (random.Next(6))
            {
                case 0: tokens.RemoveAt(at); break;
                case 1: tokens.Insert(at, tokens[at]); break;
                case 2:
                    int other = Math.Min(tokens.Count - 1, at + 1);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                case 3:
                    // Replace a number with another value, kept when the token is one (most mutations hit an argument).
                    int number = tokens.FindIndex(at, t => t.Trim().Length > 0 && char.IsDigit(t.Trim()[0]));
                    if (number >= 0) tokens[number] = " " + Pick(random, random.Next(2) == 0 ? IntValues : DoubleValues) + " ";
                    break;
                case 4: tokens[at] = " " + Pick(random, new[] { "S", "N", "D", "class", "partial", "Missing", "typeof", "int", "@class", new string('x', 600), "é", "_" }) + " "; break;
                default: tokens.Insert(at, " " + Pick(random, new[] { "[", "]", "(", ")", ",", ";", "=", "{", "}", "<", ">", "?", "!", "::", "..", "=>" }) + " "); break;
            }
        }
        return string.Concat(tokens);
    }

    /// <summary>Declarations of unusual shape, valid C# or nearly so, sometimes split across two or three files.</summary>
    private static string[] OddShape(Random random)
    {
        const string Header = "using Diffusion.Dsl;\nnamespace R;\n";
        const string Schedule = "[NoiseSchedule(ScheduleKind.Linear, Timesteps = 10)]\npublic partial class S;\n";
        const string Network = "[DiffusionTransformer(InputSize = 8, InChannels = 1)]\n[Patchify(PatchSize = 2, Width = 32)]\n[AdaLnZeroBlocks(Depth = 1, Heads = 2)]\npublic partial class N;\n";
        const string Model = "[DiffusionModel(typeof(S), typeof(N))]\n[Sampler(SamplerKind.Ddim)]\npublic partial class D;\n";
        switch (random.Next(16))
        {
            case 0: // the three roles split over three files, attributes on different partial parts
                return
                [
                    Header + "[NoiseSchedule(ScheduleKind.Cosine)]\npublic partial class S;\n[DiffusionTransformer(InputSize = 8, InChannels = 1)]\npublic partial class N;\n",
                    Header + "[Patchify(PatchSize = 2, Width = 32)]\npublic partial class N { }\n" + Model,
                    Header + "[AdaLnZeroBlocks(Depth = 1, Heads = 2)]\npublic partial class N { public int Extra; }\n",
                ];
            case 1: // a role on a struct, interface, enum, record, delegate-shaped or static type
                string kind = Pick(random, new[] { "public partial struct", "public partial interface", "public partial record", "public static partial class", "public abstract partial class", "public enum" });
                return [Header + Schedule.Replace("public partial class", kind) + Network + Model];
            case 2: // nested declarations
                return [Header + "public partial class Outer\n{\n" + Schedule + Network + Model + "}\n"];
            case 3: // generic declarations
                return [Header + Schedule.Replace("class S", "class S<T>") + Network.Replace("class N", "class N<T>") + Model.Replace("typeof(S)", "typeof(S<int>)").Replace("typeof(N)", "typeof(N<>)")];
            case 4: // two roles on one class, the model naming itself
                return [Header + "[NoiseSchedule(ScheduleKind.Linear)]\n" + Network.Replace("class N", "class S") + "[DiffusionModel(typeof(D), typeof(D))]\n[Sampler(SamplerKind.Ddim)]\npublic partial class D;\n"];
            case 5: // fully qualified attribute names, the Attribute suffix, an alias, the global namespace
                return ["using A = Diffusion.Dsl.NoiseScheduleAttribute;\n[A(Diffusion.Dsl.ScheduleKind.Cosine)]\npublic partial class S;\n" +
                        "[Diffusion.Dsl.DiffusionTransformerAttribute(InputSize = 8, InChannels = 1)]\n[global::Diffusion.Dsl.DiTPreset(Diffusion.Dsl.DiTSize.S)]\npublic partial class N;\n" +
                        "[Diffusion.Dsl.DiffusionModel(typeof(S), typeof(N))]\n[Diffusion.Dsl.Sampler(Diffusion.Dsl.SamplerKind.Ddpm)]\npublic partial class D;\n"];
            case 6: // many samplers and repeated attributes
                return [Header + Schedule + Network + "[DiffusionModel(typeof(S), typeof(N))]\n" + string.Concat(Enumerable.Repeat("[Sampler(SamplerKind.Ddim)]\n[Sampler(SamplerKind.Ddpm)]\n", 1 + random.Next(30))) + "[ClassifierFreeGuidance][ClassifierFreeGuidance(Scale = 2)]\npublic partial class D;\n"];
            case 7: // part attributes without their role: nothing to generate, nothing wrong
                return [Header + "[Patchify(PatchSize = 2, Width = 32)]\n[LabelEmbedding(Classes = 3)]\npublic partial class Loose;\n[Sampler(SamplerKind.Ddim)]\npublic partial class Alone;\n"];
            case 8: // no declarations at all
                return [Pick(random, new[] { "", "namespace R;", "namespace R { public class Plain { } }", "// only a comment", "using Diffusion.Dsl;\nnamespace R;\npublic class Plain { public ScheduleKind Kind; }\n" })];
            case 9: // a valid declaration inside an inactive #if, and one in a #region
                return [Header + "#if NEVER\n" + Schedule + "#endif\n#region roles\n" + Network + "#endregion\n" + Schedule.Replace("class S", "class S2")];
            case 10: // huge identifiers and unicode names
                string name = random.Next(2) == 0 ? "Ünïcødé" : "S" + new string('s', 2000);
                return [Header + Schedule.Replace("class S", "class " + name) + Network + Model.Replace("typeof(S)", "typeof(" + name + ")")];
            case 11: // a cycle of partial declarations in block namespaces and a keyword identifier
                return ["using Diffusion.Dsl;\nnamespace R { namespace Q {\n" + Schedule.Replace("class S", "class @class") + Network + Model.Replace("typeof(S)", "typeof(@class)") + "} }\n"];
            case 12: // the same type declared in two files with conflicting roles
                return [Header + Schedule + Network, Header + "[DiffusionTransformer(InputSize = 16, InChannels = 3)]\npublic partial class S;\n" + Model];
            case 13: // valid, with guidance and labels, all internal (or file-local): something to generate
                string access = Pick(random, new[] { "public partial class", "internal partial class", "partial class" });
                return [(Header + Schedule + Network.Replace("[AdaLnZeroBlocks", "[LabelEmbedding(Classes = 3)]\n[AdaLnZeroBlocks") + Model.Replace("public partial class D", "[ClassifierFreeGuidance(Scale = 2.5)]\npublic partial class D")).Replace("public partial class", access)];
            case 14: // a model whose schedule or network is declared in a file that does not parse
                return [Header + Schedule + Network.Replace("InChannels = 1)]", "InChannels = 1)"), Header + Model];
            default: // members, base types and interfaces on the declared classes (a member named like a generated one,
                     // say InputSize, is not covered: the generator does not yet report that collision)
                return [Header + Schedule.Replace("class S;", "class S : System.IDisposable { public void Dispose() { } }") + Network.Replace("class N;", "class N { public static int Extra = 3; }") + Model.Replace("class D;", "class D : System.Object { }")];
        }
    }

    /// <summary>Random tokens of the declaration vocabulary.</summary>
    private static string Soup(Random random)
    {
        string[] words =
        {
            "using", "Diffusion.Dsl", ";", "namespace", "R", "[", "]", "(", ")", ",", "=", "public", "partial", "class", "S", "N", "D",
            "NoiseSchedule", "DiffusionTransformer", "DiffusionModel", "Patchify", "AdaLnZeroBlocks", "Sampler", "LabelEmbedding",
            "ClassifierFreeGuidance", "DiTPreset", "TimestepEmbedding", "typeof", "ScheduleKind.Cosine", "SamplerKind.Ddim", "InputSize",
            "Width", "Depth", "Heads", "1", "4", "-1", "2147483647", "UNet", "UNetEncoder", "NoisyClassifier", "ChannelMultipliers",
            "AttentionResolutions", "new[] {", "new int[0]", "NormGroups", "Outputs", "\n", "{", "}", "\"", "'", "/*", "*/", "//", "#", "<", ">",
        };
        var text = new StringBuilder("using Diffusion.Dsl;\n");
        int count = random.Next(1, 80);
        for (int i = 0; i < count; i++) text.Append(Pick(random, words)).Append(' ');
        return text.ToString();
    }
}
