namespace Examples.Mnist.Data;

/// <summary>The pen: thin or thick against the digit's own class, or not said (the middle third).</summary>
public enum Stroke { Unsaid, Thin, Thick }

/// <summary>The slant: upright, leaning left or right against the digit's own class, or not said (the middle third of |slant|).</summary>
public enum Lean { Unsaid, Upright, Left, Right }

/// <summary>The size: small or large against the digit's own class, or not said (the middle third).</summary>
public enum Extent { Unsaid, Small, Large }

/// <summary>What a caption says about a digit besides its class.</summary>
public sealed record DigitAttributes(Stroke Stroke, Lean Lean, Extent Extent)
{
    /// <summary>Nothing said: the caption names the class alone.</summary>
    public static readonly DigitAttributes None = new(Stroke.Unsaid, Lean.Unsaid, Extent.Unsaid);
}
