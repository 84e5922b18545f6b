using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Diffusion.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.CodeFixes;

/// <summary>"Remove [ClassifierFreeGuidance]": the attribute the diagnostic is reported on (its "Remove" property).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAttributeFix)), Shared]
public sealed class RemoveAttributeFix : PropertyFix
{
    public override ImmutableArray<string> FixableDiagnosticIds => FixableDiagnostics.RemoveAttribute;

    protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(FixProperties.Remove, out var name) || name is null) return;
        var target = await FixTarget.FindAsync(context.Document, diagnostic, elsewhere: false, context.CancellationToken).ConfigureAwait(false);
        if (target?.Node.FirstAncestorOrSelf<AttributeSyntax>() is not { Parent: AttributeListSyntax { Parent: TypeDeclarationSyntax type } } attribute) return;
        context.RegisterCodeFix(
            CodeAction.Create(
                "Remove [" + name + "]",
                _ => Task.FromResult(target.Replace(type, AttributeEdits.RemoveAttribute(type, attribute))),
                equivalenceKey: diagnostic.Id + ".Remove"),
            diagnostic);
    }
}
