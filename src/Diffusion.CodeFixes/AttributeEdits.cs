using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Diffusion.CodeFixes;

/// <summary>
/// The three syntax edits of the fixes, each keeping the declaration's own layout: an argument's value replaced in
/// place, an argument appended as ", Name = value", an attribute list added or removed as a line of its own.
/// </summary>
internal static class AttributeEdits
{
    /// <summary>The attribute with <c>Name = value</c>: the existing argument's value replaced, else the argument appended.</summary>
    public static AttributeSyntax SetNamedArgument(AttributeSyntax attribute, string name, string value)
    {
        var expression = Parse(value);
        var arguments = attribute.ArgumentList?.Arguments ?? default;
        var existing = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        if (existing is not null) return attribute.ReplaceNode(existing.Expression, expression.WithTriviaFrom(existing.Expression));

        var added = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(
                SyntaxFactory.IdentifierName(name).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space)),
            nameColon: null,
            expression);
        if (attribute.ArgumentList is not { } list) return attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(added)));
        if (list.Arguments.Count == 0) return attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SingletonSeparatedList(added)));
        var items = list.Arguments.GetWithSeparators()
            .Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space))
            .Add(added);
        return attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items)));
    }

    /// <summary>The type with <c>[attribute]</c> on a line of its own after its last attribute list, indented alike.</summary>
    public static TypeDeclarationSyntax AddAttribute(TypeDeclarationSyntax type, string attribute)
    {
        var last = type.AttributeLists.Last();
        var parsed = SyntaxFactory.ParseCompilationUnit("[" + attribute + "] class C { }").Members[0].AttributeLists[0].Attributes[0];
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(parsed.WithAdditionalAnnotations(Simplifier.Annotation)))
            .WithLeadingTrivia(Indentation(last))
            .WithTrailingTrivia(last.GetTrailingTrivia());
        return type.WithAttributeLists(type.AttributeLists.Insert(type.AttributeLists.IndexOf(last) + 1, list));
    }

    /// <summary>
    /// The type without <paramref name="attribute"/>: its list goes with its line when it held nothing else; what
    /// stood before the first list (documentation, indentation) stays.
    /// </summary>
    public static TypeDeclarationSyntax RemoveAttribute(TypeDeclarationSyntax type, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1) return type.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
        int index = type.AttributeLists.IndexOf(list);
        var without = type.WithAttributeLists(type.AttributeLists.RemoveAt(index));
        return index == 0 ? without.WithLeadingTrivia(list.GetLeadingTrivia()) : without;
    }

    /// <summary>A value as an expression whose global:: names the code action simplifies against the usings.</summary>
    private static ExpressionSyntax Parse(string value) =>
        SyntaxFactory.ParseExpression(value).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>The whitespace that ends a list's leading trivia: its indentation.</summary>
    private static SyntaxTriviaList Indentation(AttributeListSyntax list)
    {
        var leading = list.GetLeadingTrivia();
        int start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia)) start--;
        return SyntaxFactory.TriviaList(leading.Skip(start));
    }
}
