using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The control of <see cref="MnistSr28"/>: the same network trained without noise conditioning augmentation, on the exact
/// 14x14 inputs (the comparison of Ho et al. 2021, Table 4). Trains like sr28 (train --model sr28-plain). Named
/// sr28-plain.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistSr28Dit), Predicts = Prediction.Noise, CommandName = "sr28-plain")]
[SuperResolution(FromSize = 14, Augmentation = NoiseAugmentation.None)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistSr28Plain;

/// <summary>
/// The cascade with the unaugmented stage: base14's digits, then sr28-plain (sample --model cascade-plain --checkpoint
/// base14=RUN --checkpoint sr28-plain=RUN). Named cascade-plain.
/// </summary>
[Cascade(typeof(MnistBase14), typeof(MnistSr28Plain), CommandName = "cascade-plain")]
public partial class MnistCascadePlain;
