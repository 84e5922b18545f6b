using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Diffusion.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.CodeFixes;

/// <summary>"Set PatchSize = 2": one offer per "Set.Name" property of the diagnostic (see FixProperties).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetArgumentFix)), Shared]
public sealed class SetArgumentFix : PropertyFix
{
    public override ImmutableArray<string> FixableDiagnosticIds => FixableDiagnostics.SetArgument;

    protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic)
    {
        var settings = diagnostic.Properties
            .Where(p => p.Key.StartsWith(FixProperties.SetPrefix, System.StringComparison.Ordinal) && p.Value is not null)
            .OrderBy(p => p.Key, System.StringComparer.Ordinal)
            .ToList();
        if (settings.Count == 0) return;
        var target = await FixTarget.FindAsync(context.Document, diagnostic, elsewhere: true, context.CancellationToken).ConfigureAwait(false);
        if (target?.Node.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute) return;
        foreach (var setting in settings)
        {
            var name = setting.Key.Substring(FixProperties.SetPrefix.Length);
            var value = setting.Value!;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Set " + name + " = " + FixTarget.Display(value),
                    _ => Task.FromResult(target.Replace(attribute, AttributeEdits.SetNamedArgument(attribute, name, value))),
                    equivalenceKey: diagnostic.Id + ".Set." + name),
                diagnostic);
        }
    }
}
