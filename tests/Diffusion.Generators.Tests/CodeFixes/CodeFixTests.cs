using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Diffusion.Generators.Tests.CodeFixes;

/// <summary>
/// Every code fix: applied to a declaration that reports its diagnostic, it gives exactly the expected text, which
/// reports nothing and compiles clean. Where docs/diagnostics.md's fixed declaration is a one-argument edit, the fix
/// gives exactly that declaration.
/// </summary>
public class CodeFixTests
{
    /// <summary>The sections whose Fixed block is what a fix makes of the Fails block: ID to the action's key.</summary>
    private static readonly Dictionary<string, string> PageFixes = new()
    {
        ["DDSL001"] = "DDSL001.Set.PatchSize",
        ["DDSL002"] = "DDSL002.Set.Heads",
        ["DDSL003"] = "DDSL003.Set.Timesteps",
        ["DDSL004"] = "DDSL004.Set.DropRate",
        ["DDSL005"] = "DDSL005.Add",
        ["DDSL010"] = "DDSL010.Set.Width",
        ["DDSL012"] = "DDSL012.Set.FrequencyDim",
        ["DDSL013"] = "DDSL013.Set.DropRate",
        ["DDSL014"] = "DDSL014.Add",
        ["DDSL015"] = "DDSL015.Set.LearnSigma",
        ["DDSL016"] = "DDSL016.Set.Objective",
        ["DDSL017"] = "DDSL017.Set.Predicts",
        ["DDSL018"] = "DDSL018.Set.Predicts",
        ["DDSL019"] = "DDSL019.Set.ChannelMultipliers",
        ["DDSL020"] = "DDSL020.Set.AttentionResolutions",
        ["DDSL021"] = "DDSL021.Set.NormGroups",
        ["DDSL022"] = "DDSL022.Set.Heads",
        ["DDSL024"] = "DDSL024.Set.IsDefault",
        ["DDSL031"] = "DDSL031.Add",
        ["DDSL032"] = "DDSL032.Set.Predicts",
        ["DDSL034"] = "DDSL034.Set.Guidance",
        ["DDSL035"] = "DDSL035.Add",
        ["DDSL050"] = "DDSL050.Set.DownsamplingFactor",
        ["DDSL051"] = "DDSL051.Set.InputSize",
        ["DDSL052"] = "DDSL052.Set.ChannelMultipliers",
        ["DDSL053"] = "DDSL053.Set.KlWeight",
    };

    public static TheoryData<string> PageFixIds() => new(PageFixes.Keys);

    /// <summary>The page's examples that no fix makes in one edit (a type to name, a part to design, a conflict to choose).</summary>
    public static TheoryData<string> PageIdsWithoutFix() => new(DiagnosticsPage.Sections
        .Where(s => s.Id != "DDSL999" && !PageFixes.ContainsKey(s.Id))
        .Select(s => s.Id));

    public static TheoryData<string> CaseNames() => new(FixCases.All.Keys);

    [Theory]
    [MemberData(nameof(PageFixIds))]
    public async Task FixOfThePagesFailingDeclarationIsItsFixedDeclaration(string id)
    {
        var section = DiagnosticsPage.Sections.Single(s => s.Id == id);
        var after = await CodeFixHarness.ApplyAsync(new[] { section.Code("Fails:") }, PageFixes[id]);
        // DiagnosticsDocumentationTests checks that the Fixed block reports nothing and compiles clean.
        Assert.Equal(section.Code("Fixed:"), after[0]);
    }

    [Theory]
    [MemberData(nameof(PageIdsWithoutFix))]
    public async Task NoFixIsOfferedWhereTheFixIsNoMechanicalEdit(string id)
    {
        var offered = await CodeFixHarness.OfferedAsync(CodeFixHarness.CreateProject(DiagnosticsPage.Sections.Single(s => s.Id == id).Code("Fails:")));
        Assert.NotEmpty(offered);
        Assert.All(offered, o => Assert.Empty(o.Actions));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task FixGivesTheExpectedTextWhichIsClean(string name)
    {
        var fix = FixCases.All[name];
        var after = await CodeFixHarness.ApplyAsync(fix.Before, fix.Key);
        Assert.Equal(fix.After, after);
        CodeFixHarness.AssertClean(after);
    }

    /// <summary>Each provider's table of IDs is what the tests exercise: no listed ID without a tested fix, and back.</summary>
    [Fact]
    public void EveryIdAProviderListsHasATestedFix()
    {
        var keys = PageFixes.Values.Concat(FixCases.All.Values.Select(c => c.Key)).ToList();
        foreach (var (provider, kind) in new[] { (0, ".Set."), (1, ".Add"), (2, ".Remove") })
        {
            var tested = keys.Where(k => k.Contains(kind)).Select(k => k.Substring(0, 7)).Distinct().OrderBy(id => id);
            Assert.Equal(CodeFixHarness.Providers[provider].FixableDiagnosticIds.OrderBy(id => id), tested);
        }
    }

    [Fact]
    public async Task TitlesSayWhatTheFixDoes()
    {
        var guidance = await CodeFixHarness.OfferedAsync(CodeFixHarness.CreateProject(DiagnosticsPage.Sections.Single(s => s.Id == "DDSL005").Code("Fails:")));
        Assert.Equal(new[] { "Add [LabelEmbedding(Classes = 10)] to 'Denoiser'", "Remove [ClassifierFreeGuidance]" },
            CodeFixHarness.Titles(Assert.Single(guidance).Actions).OrderBy(t => t));
        var halving = await CodeFixHarness.OfferedAsync(CodeFixHarness.CreateProject(DiagnosticsPage.Sections.Single(s => s.Id == "DDSL019").Code("Fails:")));
        Assert.Equal(new[] { "Set ChannelMultipliers = new[] { 1, 2, 2 }", "Set InputSize = 32" }, CodeFixHarness.Titles(Assert.Single(halving).Actions));
        var sampler = await CodeFixHarness.OfferedAsync(CodeFixHarness.CreateProject(DiagnosticsPage.Sections.Single(s => s.Id == "DDSL014").Code("Fails:")));
        Assert.Equal(new[] { "Add [Sampler(SamplerKind.Ddim)] to 'Diffusion'" }, CodeFixHarness.Titles(Assert.Single(sampler).Actions));
        var velocity = await CodeFixHarness.OfferedAsync(CodeFixHarness.CreateProject(DiagnosticsPage.Sections.Single(s => s.Id == "DDSL018").Code("Fails:")));
        Assert.Equal(new[] { "Set Predicts = Prediction.Velocity" }, CodeFixHarness.Titles(Assert.Single(velocity).Actions));
    }
}
