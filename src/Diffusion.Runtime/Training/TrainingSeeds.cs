namespace Diffusion.Runtime.Training;

/// <summary>
/// The seeds of a training run's random streams, derived from the run's seed alone so that step k's randomness never
/// depends on earlier steps: a resumed run needs no saved RNG state and reproduces an uninterrupted run exactly.
/// </summary>
/// <remarks>
/// Each seed is Mix(seed, stream, index) = SplitMix64(SplitMix64(SplitMix64(seed) XOR stream) XOR index), with
/// SplitMix64 the finaliser of Steele, Lea and Flood (2014, "Fast splittable pseudorandom number generators"; the
/// constants of Java's <c>SplittableRandom</c>). The stream constants are the ASCII words "perm", "loss" and "init", so
/// the epoch permutations, the per-step loss draws and the initial weights never share a seed.
/// </remarks>
public static class TrainingSeeds
{
    private const ulong PermutationStream = 0x7065726D; // "perm"
    private const ulong LossStream = 0x6C6F7373;        // "loss"
    private const ulong InitializationStream = 0x696E6974; // "init"
    private const ulong LatentScaleStream = 0x7363616C;    // "scal"

    /// <summary>
    /// The seed of torch's global generator while a fresh network draws its initial weights (generated networks
    /// initialise from the global generator). Without it a fresh run's first weights, and so every later step, would
    /// differ from process to process; a resumed run takes its weights from the checkpoint instead.
    /// </summary>
    public static long Initialization(long seed) => unchecked((long)Mix(seed, InitializationStream, 0));

    /// <summary>The seed of epoch <paramref name="epoch"/>'s permutation of the dataset (epochs count from 0).</summary>
    public static ulong EpochPermutation(long seed, long epoch) => Mix(seed, PermutationStream, epoch);

    /// <summary>The seed of the generator passed to the training loss at step <paramref name="step"/> (steps count from 1).</summary>
    public static ulong StepLoss(long seed, long step) => Mix(seed, LossStream, step);

    /// <summary>The seed of the posterior samples a latent model's scale factor is computed on (<see cref="LatentScaleFactor"/>).</summary>
    public static ulong LatentScale(long seed) => Mix(seed, LatentScaleStream, 0);

    private static ulong Mix(long seed, ulong stream, long index) =>
        SplitMix64(SplitMix64(SplitMix64((ulong)seed) ^ stream) ^ (ulong)index);

    private static ulong SplitMix64(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
