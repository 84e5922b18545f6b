using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// How sample and evaluate draw a batch from prompts' conditioning: every stage's images, the last the ones judged and
/// shown (a text model: its own images alone; a cascade from text: the base's, then each upsampler's).
/// </summary>
internal delegate IReadOnlyList<Tensor> TextSampling(TextConditioning prompts, SamplerKind sampler, SampleRequest request, Generator generator);
