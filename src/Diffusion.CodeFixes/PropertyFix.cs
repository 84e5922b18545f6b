using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Diffusion.CodeFixes;

/// <summary>A fix driven by the data the generator attached to each diagnostic (see FixProperties).</summary>
public abstract class PropertyFix : CodeFixProvider
{
    /// <summary>
    /// None: each value is computed for its own declaration, and two diagnostics' edits can touch one attribute, which
    /// a batch fix would merge as text.
    /// </summary>
    public sealed override FixAllProvider? GetFixAllProvider() => null;

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics) await RegisterAsync(context, diagnostic).ConfigureAwait(false);
    }

    /// <summary>Offers the fix for <paramref name="diagnostic"/> when it carries this fix's data.</summary>
    protected abstract Task RegisterAsync(CodeFixContext context, Diagnostic diagnostic);
}
