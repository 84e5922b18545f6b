namespace Diffusion.Generators.Model;

/// <summary>One stage of a [Cascade] as the cascade's checks and file need it.</summary>
/// <param name="Type">The stage's [DiffusionModel] class.</param>
/// <param name="Size">Height and width of the images it generates.</param>
/// <param name="Channels">Their channels.</param>
/// <param name="FromSize">The low-resolution size it is conditioned on; 0 for the base.</param>
/// <param name="Summary">One line of what the stage is, for the cascade's summary.</param>
/// <param name="Text">Whether the stage is conditioned on text ([TextConditioning] on its network).</param>
internal sealed record CascadeStage(TypeName Type, int Size, int Channels, int FromSize, string Summary, bool Text);
