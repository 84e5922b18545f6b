using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Diffusion.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.CodeFixes;

/// <summary>"Add [Sampler(SamplerKind.Ddim)] to 'Diffusion'": the diagnostic's "Add" property (see FixProperties).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAttributeFix)), Shared]
public sealed class AddAttributeFix : PropertyFix
{
    public override ImmutableArray<string> FixableDiagnosticIds => FixableDiagnostics.AddAttribute;

    protected override async Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(FixProperties.Add, out var attribute) || attribute is null) return;
        var target = await FixTarget.FindAsync(context.Document, diagnostic, elsewhere: true, context.CancellationToken).ConfigureAwait(false);
        // The new attribute goes after the class's last one, so the class has at least one (its declaration's).
        if (target?.Node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { AttributeLists.Count: > 0 } type) return;
        context.RegisterCodeFix(
            CodeAction.Create(
                "Add [" + FixTarget.Display(attribute) + "] to '" + type.Identifier.ValueText + "'",
                _ => Task.FromResult(target.Replace(type, AttributeEdits.AddAttribute(type, attribute))),
                equivalenceKey: diagnostic.Id + ".Add"),
            diagnostic);
    }
}
