using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Finds the places where C# code makes TorchSharp create a native Scalar it never disposes. TorchSharp 0.107 turns a
/// .NET number into a <c>TorchSharp.Scalar</c> (a native c10::Scalar behind a finalizer) wherever a Scalar is expected,
/// and no dispose scope tracks Scalars (DisposeScope.cs registers tensors, PackedSequences and the like, never a Scalar):
/// only the finalizer frees one. Three forms hide one: an implicit conversion of a number to Scalar in our own code;
/// one of Tensor's operators with a number operand (<c>x * 0.5</c> resolves to <c>operator *(Tensor, double)</c>, which
/// converts inside TorchSharp); and an addition without an explicit alpha (<c>a + b</c>, <c>add(b)</c>, <c>add_(b)</c>,
/// <c>addcdiv(a, b)</c> call the overload with alpha or value 1, converted inside TorchSharp: Tensor.Math.cs), as
/// <c>arange(start, stop)</c> does with its step.
/// </summary>
internal static class HiddenScalars
{
    private const string ScalarType = "TorchSharp.Scalar";
    private const string TensorType = "TorchSharp.torch.Tensor";

    /// <summary>One hidden Scalar: where it is and why.</summary>
    public sealed record Finding(string File, int Line, string Code, string Why)
    {
        public override string ToString() => $"{File}:{Line}: {Why}: {Code}";

        /// <summary>
        /// The concern (Network, Samplers, ...) of a generated file, or a hand-written file's name, and the code, without
        /// line numbers.
        /// </summary>
        public string Key => (File.EndsWith(".g.cs", System.StringComparison.Ordinal)
            ? File.Split('.')[^3]
            : System.IO.Path.GetFileNameWithoutExtension(File)) + ": " + Code;
    }

    /// <summary>Every hidden Scalar in <paramref name="trees"/>, which belong to <paramref name="compilation"/>.</summary>
    public static IReadOnlyList<Finding> In(Compilation compilation, IEnumerable<SyntaxTree> trees)
    {
        var findings = new List<Finding>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                string? why = node switch
                {
                    ExpressionSyntax e when IsImplicitScalarConversion(model, e) => "a number converted to Scalar",
                    BinaryExpressionSyntax or AssignmentExpressionSyntax => OperatorReason(model.GetSymbolInfo(node).Symbol as IMethodSymbol),
                    InvocationExpressionSyntax => InvocationReason(model.GetSymbolInfo(node).Symbol as IMethodSymbol),
                    _ => null,
                };
                if (why is null) continue;
                var line = tree.GetLineSpan(node.Span).StartLinePosition.Line + 1;
                findings.Add(new Finding(System.IO.Path.GetFileName(tree.FilePath), line, Shorten(node.ToString()), why));
            }
        }
        return findings;
    }

    private static bool IsImplicitScalarConversion(SemanticModel model, ExpressionSyntax expression)
    {
        // using Scalar s = 0.5; is the fix: a conversion disposed at the end of the scope. The Name of a member access
        // reports its parent's conversion again.
        if (expression.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: > 0 } } } }) return false;
        if (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression) return false;
        var conversion = model.GetConversion(expression);
        return conversion.IsUserDefined && conversion.IsImplicit && conversion.MethodSymbol is { } method &&
            method.ContainingType.ToDisplayString() == ScalarType && IsNumber(method.Parameters[0].Type);
    }

    private static string? OperatorReason(IMethodSymbol? method)
    {
        if (method is not { MethodKind: MethodKind.UserDefinedOperator } || method.ContainingType.ToDisplayString() != TensorType) return null;
        if (method.Parameters.Any(p => IsNumber(p.Type))) return "a Tensor operator with a number operand";
        if (method.Name == "op_Addition") return "a Tensor addition (alpha 1 made inside TorchSharp)";
        return null;
    }

    private static string? InvocationReason(IMethodSymbol? method)
    {
        if (method is null || method.ContainingNamespace?.ToDisplayString() is not ("TorchSharp")) return null;
        var type = method.ContainingType.ToDisplayString();
        if (type != TensorType && type != "TorchSharp.torch") return null;
        // arange(start, stop) calls arange(start, stop, 1): the step converted inside TorchSharp (Tensor.Factories.cs).
        if (method.Name == "arange" && !method.Parameters.Any(p => p.Name == "step")) return "arange without step (1 made inside TorchSharp)";
        bool explicitAlpha = method.Parameters.Any(p => p.Name is "alpha" or "value");
        return method.Name is "add" or "add_" or "addcdiv" or "addcdiv_" && !explicitAlpha
            ? $"{method.Name} without alpha (1 made inside TorchSharp)"
            : null;
    }

    private static bool IsNumber(ITypeSymbol type) => type.SpecialType is SpecialType.System_Double or SpecialType.System_Single
        or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte
        or SpecialType.System_SByte or SpecialType.System_Boolean;

    private static string Shorten(string code)
    {
        var flat = string.Join(" ", code.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 100 ? flat : flat[..97] + "...";
    }
}
