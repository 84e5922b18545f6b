using System;
using Diffusion.Runtime.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

using Diffusion.Runtime.Evaluation;

namespace Examples.Mnist.Evaluation;

/// <summary>
/// A small CNN that tells MNIST digits apart, used to judge whether generated digits are recognisable
/// (<see cref="SampleQuality.ShareMatchingLabel"/>). Input (N, 1, 28, 28) in [-1, 1]; output (N, 10) logits.
/// About 0.42 M parameters; train it with <see cref="ClassifierTraining.Train(Tensor, Tensor, int, int, double, int, Action{string}?)"/>.
/// </summary>
/// <remarks>
/// conv 3x3 1->32 -> ReLU -> maxpool 2 -> conv 3x3 32->64 -> ReLU -> maxpool 2 -> dropout 0.25 -> fc 3136->128 ->
/// ReLU -> dropout 0.5 -> fc 128->10. Pooling after the first convolution (unlike PyTorch's MNIST example, which
/// pools once) cuts the second convolution's cost 4x, so 3 epochs on 9,000 digits take seconds on two CPU cores.
/// Field names are the safetensors keys (<c>conv1.weight</c>, ..., <c>fc2.bias</c>).
/// </remarks>
public sealed class MnistClassifier : Module<Tensor, Tensor>, IImageEvaluator
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 28;

    /// <summary>Number of classes (digits 0..9).</summary>
    public const int Classes = 10;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Dropout dropout1;
    private readonly Linear fc1;
    private readonly Dropout dropout2;
    private readonly Linear fc2;

    /// <summary>Creates the network with TorchSharp's default (PyTorch) initialisation from the global generator.</summary>
    public MnistClassifier()
        : base(nameof(MnistClassifier))
    {
        conv1 = Conv2d(1, 32, kernel_size: 3, padding: 1);
        conv2 = Conv2d(32, 64, kernel_size: 3, padding: 1);
        dropout1 = Dropout(0.25);
        fc1 = Linear(64 * 7 * 7, 128);
        dropout2 = Dropout(0.5);
        fc2 = Linear(128, Classes);
        RegisterComponents();
    }

    /// <summary>Logits (N, 10) for images (N, 1, 28, 28) in [-1, 1].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = dropout2.forward(Penultimate(x));            // (N, 128)
        return fc2.forward(x).MoveToOuterDisposeScope(); // (N, 10)
    }

    /// <summary>The activations before the last layer, (N, 128): what the Frechet distance compares.</summary>
    private Tensor Penultimate(Tensor x)
    {
        x = F.max_pool2d(F.relu(conv1.forward(x)), 2);  // (N, 32, 14, 14)
        x = F.max_pool2d(F.relu(conv2.forward(x)), 2);  // (N, 64, 7, 7)
        x = dropout1.forward(x).flatten(1);             // (N, 3136)
        return F.relu(fc1.forward(x));                  // (N, 128)
    }

    /// <summary>Most likely digit per image, (N) int64, computed in eval mode without gradients in chunks of 1,000.</summary>
    public Tensor Predict(Tensor images) => InEvalChunks(images, x => forward(x).argmax(1));

    /// <summary>Logits (N, 10) per image on the CPU, in eval mode without gradients.</summary>
    public Tensor Logits(Tensor images) => InEvalChunks(images, forward);

    /// <summary>The penultimate activations (N, 128) per image on the CPU, in eval mode without gradients.</summary>
    public Tensor Features(Tensor images) => InEvalChunks(images, Penultimate);

    /// <summary>Applies <paramref name="layer"/> to chunks of 1,000 images in eval mode without gradients; the result on the CPU.</summary>
    private Tensor InEvalChunks(Tensor images, Func<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckShape(images);
        bool wasTraining = training;
        eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long n = images.shape[0];
            var parts = new Tensor[(n + PredictChunk - 1) / PredictChunk];
            for (long start = 0, i = 0; start < n; start += PredictChunk, i++)
            {
                long length = Math.Min(PredictChunk, n - start);
                parts[i] = layer(images.narrow(0, start, length).to(ScalarType.Float32));
            }

            return (parts.Length == 0 ? empty(0, ScalarType.Int64) : cat(parts, 0)).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>Share of <paramref name="images"/> whose predicted digit equals <paramref name="labels"/> (N, integer).</summary>
    public double Accuracy(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"Expected labels of shape ({images.shape[0]}), got ({string.Join(", ", labels.shape)}).", nameof(labels));
        using var scope = NewDisposeScope();
        using var predicted = Predict(images);
        return predicted.eq(labels.cpu().to(ScalarType.Int64)).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Saves the weights as safetensors (readable by PyTorch's <c>safetensors.torch.load_file</c>), replacing the file if it
    /// exists, and records its SHA-256 in the <c>SHA256SUMS</c> beside it (<see cref="CheckpointManifest.Stamp"/>), which
    /// <see cref="Load"/> verifies.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)!;
        System.IO.Directory.CreateDirectory(directory);
        string temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            SafetensorsFile.Write(temporary, state_dict());
            System.IO.File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (System.IO.File.Exists(temporary)) System.IO.File.Delete(temporary);
        }
        CheckpointManifest.Stamp(directory, System.IO.Path.GetFileName(full));
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/>, in eval mode: the file's SHA-256 is checked against the
    /// <c>SHA256SUMS</c> beside it (unless <paramref name="verify"/> is false), then it is read by
    /// <see cref="SafetensorsFile"/>'s strict reader with this network's keys, shapes and float32 dtype.
    /// </summary>
    /// <param name="path">The classifier's safetensors file.</param>
    /// <param name="verify">False skips the checksum (the CLI's --no-verify); the file is still read strictly.</param>
    /// <exception cref="CheckpointException">The file or its manifest is missing, it fails its checksum, is not a regular
    /// file, is corrupted, or does not hold this network's weights; the message names the file.</exception>
    public static MnistClassifier Load(string path, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        if (verify) CheckpointManifest.Verify(System.IO.Path.GetDirectoryName(full)!, [System.IO.Path.GetFileName(full)]);
        var classifier = new MnistClassifier();
        try
        {
            SafetensorsFile.LoadInto(full, classifier.state_dict(), "classifier weights", "F32");
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
        classifier.eval();
        return classifier;
    }

    private const long PredictChunk = 1000;

    internal static void CheckShape(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] != Side || images.shape[3] != Side)
            throw new ArgumentException($"Expected images of shape (N, 1, {Side}, {Side}), got ({string.Join(", ", images.shape)}).", nameof(images));
    }
}
