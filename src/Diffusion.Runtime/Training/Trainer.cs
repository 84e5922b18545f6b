using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// Trains any <see cref="ITrainableModel"/> (a diffusion model or a noisy classifier) on an <see cref="ITrainingSet"/>
/// (in memory, or streamed from disk) with <see cref="AdamW"/>, global-norm gradient clipping and an <see cref="ExponentialMovingAverage"/>, checkpointing into a <see cref="RunFolder"/> (<see cref="TrainingCheckpoint"/>).
/// </summary>
/// <remarks>
/// Reproducibility without saved RNG state: step k (from 1) of an epoch of B = floor(N / batch) steps takes the
/// examples perm_e[j * batch .. (j + 1) * batch) with e = (k - 1) / B, j = (k - 1) mod B, and perm_e = randperm(N) drawn
/// from a generator seeded <see cref="TrainingSeeds.EpochPermutation"/>(seed, e) (the last N mod batch examples of
/// each permutation are left out of that epoch); the loss's random draws come from a fresh generator on the training
/// device seeded <see cref="TrainingSeeds.StepLoss"/>(seed, k). So a run resumed from step s's checkpoint (weights,
/// EMA, optimizer state, step) takes exactly the steps s + 1, ... of the uninterrupted run: on the CPU its losses and
/// weights are bit-identical.
/// <para>
/// Data-parallel (a <see cref="ICollective"/> of N &gt; 1 ranks, one process each): the batch is the global batch, each
/// rank takes its B / N rows of it and draws the whole batch's timesteps, noise and label dropout from the step's
/// generator (<see cref="IDataParallelLoss"/>), keeping its rows; the gradients are averaged over the ranks, then
/// clipped by their global norm, and every rank takes the same AdamW step. So N ranks take one process's steps, up to
/// float32 summation order. Fresh weights are rank 0's (broadcast); a resumed run's come from the checkpoint, which
/// every rank reads (the run folder must be shared). Rank 0 alone locks the run folder, writes checkpoints and reports
/// progress; the ranks agree every step on stopping (a signal or the time budget on any rank stops all).
/// </para>
/// </remarks>
public sealed class Trainer
{
    private const double LossSmoothing = 0.98;

    private readonly ITrainableModel model;
    private readonly ITrainingSet data;
    private readonly TrainingOptions options;
    private readonly ICollective collective;
    // Time in the cross-process all-reduces this session: what data parallelism costs beside the compute.
    private readonly Stopwatch exchange = new();

    /// <summary>
    /// A trainer of <paramref name="model"/> on <paramref name="data"/>, alone or as one rank of
    /// <paramref name="collective"/>; nothing runs until <see cref="Run"/>.
    /// </summary>
    public Trainer(ITrainableModel model, ITrainingSet data, TrainingOptions options, ICollective? collective = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.data = data ?? throw new ArgumentNullException(nameof(data));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.collective = collective ?? InProcessCollective.Instance;
    }

    private bool Parallel => collective.Size > 1;

    private bool WritesFiles => collective.Rank == 0;

    /// <summary>
    /// Trains from step 1, or with <see cref="TrainingOptions.Resume"/> from the step after the latest checkpoint in the
    /// output directory, to <see cref="TrainingOptions.Steps"/>, writing a checkpoint every
    /// <see cref="TrainingOptions.CheckpointEvery"/> steps and after the last. On cancellation, or when
    /// <see cref="TrainingOptions.TimeBudget"/> has passed, it checkpoints the last completed step and returns with
    /// <see cref="TrainingResult.Cancelled"/> set.
    /// </summary>
    /// <exception cref="NonFiniteLossException">A loss or gradient norm was NaN or infinite (and
    /// <see cref="TrainingOptions.SkipNonFiniteSteps"/> is off); the previous checkpoint is the last one.</exception>
    /// <exception cref="CheckpointException">Resuming from an unreadable or mismatched checkpoint, or when no checkpoint passes verification.</exception>
    /// <exception cref="TrainingRunException">The output directory holds checkpoints and Resume is off, or the
    /// checkpoint's seed differs from the options' seed.</exception>
    /// <exception cref="RunLockedException">Another process is training into the same output directory.</exception>
    /// <exception cref="TrainingRunException">Data-parallel: the model's loss cannot be split over ranks, or the batch
    /// is not a multiple of the rank count.</exception>
    public TrainingResult Run(CancellationToken cancellationToken = default)
    {
        options.Validate();
        var description = model.Description;
        data.Validate(description.Channels, description.ImageSize, description.Classes);
        var shards = Parallel ? Shards() : null;

        var device = torch.device(options.Device);
        var network = model.Network;
        network.to(device);
        var trainable = network.parameters().Where(p => p.requires_grad).ToArray();
        var buckets = Parallel ? TensorBuckets.For(trainable) : null;
        // Fresh weights are rank 0's everywhere (the seeded factory draws the same ones; this makes sure), before the
        // EMA copies them; a resumed run's are the checkpoint's.
        buckets?.Broadcast(collective, trainable);

        var store = new RunFolder(options.OutputDir);
        using var runLock = WritesFiles ? RunLock.Acquire(store.OutputDirectory) : null;
        using var optimizer = new AdamW(
            network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)),
            options.LearningRate, weightDecay: options.WeightDecay);
        using var ema = new ExponentialMovingAverage(network, options.EmaDecay, options.EmaWarmup);

        long firstStep = 1;
        var losses = new List<double>();
        var skipped = new List<long>();
        var previousElapsed = TimeSpan.Zero;
        var existing = store.List();
        if (existing.Count > 0 && !options.Resume)
            throw new TrainingRunException(store.OutputDirectory, $"'{store.OutputDirectory}' already holds a run (latest checkpoint '{existing[^1].Directory}'); set Resume (--resume on the command line) to continue it, or choose another output folder.");
        // Resuming takes the newest checkpoint that verifies; a corrupted newer one is reported and skipped (and later
        // replaced when the run writes that step again).
        string? lastCheckpoint = existing.Count > 0 ? store.Latest(options.OnWarning) : null;
        if (existing.Count > 0 && lastCheckpoint is null)
            throw new CheckpointException(store.CheckpointsDirectory, $"None of the {existing.Count} checkpoints in '{store.CheckpointsDirectory}' passes verification (see the warnings above); cannot resume. Move them away to start over.");
        long lastSavedStep = 0;
        if (lastCheckpoint is not null)
        {
            var state = TrainingCheckpoint.Load(lastCheckpoint, model, ema, optimizer);
            if (state.Seed != options.Seed)
                throw new TrainingRunException(lastCheckpoint, $"'{lastCheckpoint}' was trained with seed {state.Seed}, not {options.Seed}; resume with the same seed (--seed {state.Seed}): the data order and noise derive from it.");
            if (state.Step > options.Steps)
                throw new TrainingRunException(lastCheckpoint, $"'{lastCheckpoint}' is at step {state.Step}, past the requested {options.Steps} steps; ask for more steps to continue it.");
            firstStep = state.Step + 1;
            losses.AddRange(state.Losses);
            skipped.AddRange(state.SkippedSteps);
            previousElapsed = TimeSpan.FromSeconds(state.ElapsedSeconds);
            lastSavedStep = state.Step;
        }

        network.train();
        long count = data.Count;
        int batch = (int)Math.Min(options.BatchSize, count);
        long stepsPerEpoch = count / batch;
        Tensor? permutation = null;
        long permutationEpoch = -1;
        var watch = new Stopwatch();
        exchange.Reset();
        var sitting = Stopwatch.StartNew(); // wall clock for the time budget: steps, checkpoints and all
        long imagesThisSession = 0, stepsThisSession = 0;
        double smoothedRaw = 0, smoothingWeight = 0;
        bool cancelled = false;
        long step = firstStep - 1;

        TrainerState State() => new(step, options.Seed, losses.ToArray(), skipped.ToArray(), (previousElapsed + watch.Elapsed).TotalSeconds, ema.UpdateCount);

        try
        {
            while (step < options.Steps)
            {
                if (StopAgreed(cancellationToken.IsCancellationRequested || sitting.Elapsed >= options.TimeBudget))
                {
                    cancelled = true;
                    break;
                }
                long current = step + 1;
                long epoch = (current - 1) / stepsPerEpoch, slot = (current - 1) % stepsPerEpoch;
                if (epoch != permutationEpoch)
                {
                    permutation?.Dispose();
                    using var permutationGenerator = new Generator(TrainingSeeds.EpochPermutation(options.Seed, epoch));
                    permutation = randperm(count, generator: permutationGenerator).DetachFromDisposeScope();
                    permutationEpoch = epoch;
                }

                watch.Start();
                var (loss, skip) = shards is null
                    ? TrainStep(current, permutation!, slot * batch, batch, device, optimizer, ema, lastCheckpoint)
                    : TrainShardStep(shards, buckets!, trainable, current, permutation!, slot * batch, batch, device, optimizer, ema, lastCheckpoint);
                watch.Stop();
                step = current;
                stepsThisSession++;
                imagesThisSession += batch;
                losses.Add(loss);
                if (skip) skipped.Add(current);
                else
                {
                    smoothedRaw = LossSmoothing * smoothedRaw + (1 - LossSmoothing) * loss;
                    smoothingWeight = LossSmoothing * smoothingWeight + (1 - LossSmoothing);
                }

                string? written = null;
                if (current % options.CheckpointEvery == 0 || current == options.Steps)
                {
                    buckets?.VerifyReplicas(collective, trainable);
                    if (WritesFiles)
                    {
                        written = lastCheckpoint = store.Save(model, ema, optimizer, State(), options);
                        if (options.KeepCheckpoints > 0) store.Prune(options.KeepCheckpoints);
                    }
                    lastSavedStep = current;
                }

                if (WritesFiles && options.OnProgress is { } report)
                {
                    double rate = imagesThisSession / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
                    TimeSpan? remaining = stepsThisSession < 2 ? null : watch.Elapsed / stepsThisSession * (options.Steps - current);
                    if (options.TimeBudget is { } budget && budget - sitting.Elapsed is var left && (remaining is null || left < remaining))
                        remaining = left > TimeSpan.Zero ? left : TimeSpan.Zero;
                    report(new TrainingProgress(current, options.Steps, loss,
                        smoothingWeight > 0 ? smoothedRaw / smoothingWeight : double.NaN, rate,
                        previousElapsed + watch.Elapsed, remaining, skip, written, exchange.Elapsed));
                }
            }

            if (cancelled && step > lastSavedStep)
            {
                buckets?.VerifyReplicas(collective, trainable);
                if (WritesFiles) lastCheckpoint = store.Save(model, ema, optimizer, State(), options);
                lastSavedStep = step;
            }
        }
        finally
        {
            permutation?.Dispose();
        }

        double imagesPerSecond = watch.Elapsed.TotalSeconds > 0 ? imagesThisSession / watch.Elapsed.TotalSeconds : 0;
        return new TrainingResult(step, losses, skipped, imagesPerSecond, previousElapsed + watch.Elapsed, lastCheckpoint, cancelled,
            watch.Elapsed, exchange.Elapsed);
    }

    /// <summary>The model's loss as data parallelism splits it; throws when it cannot, or the batch does not split evenly.</summary>
    private IDataParallelLoss Shards()
    {
        if (model is not IDataParallelLoss loss)
            throw new TrainingRunException(options.OutputDir, $"{model.Description.Name} cannot train on {collective.Size} processes: only a declared diffusion model's own loss splits its batch over processes (consistency models and progressive distillation train in one process); run it without an MPI launcher.");
        long batch = Math.Min(options.BatchSize, data.Count);
        if (batch % collective.Size != 0)
            throw new TrainingRunException(options.OutputDir, $"The batch of {batch} does not split over {collective.Size} processes: each takes an equal share; choose a multiple of {collective.Size}.");
        return loss;
    }

    /// <summary>Whether to stop now: alone, <paramref name="local"/>; data-parallel, whether any rank wants to.</summary>
    private bool StopAgreed(bool local)
    {
        if (!Parallel) return local;
        var votes = new[] { local ? 1f : 0f };
        collective.AllReduceSum(votes);
        return votes[0] > 0;
    }

    /// <summary>
    /// <see cref="TrainStep"/> as one rank of the collective: this rank's rows of the batch at the whole batch's draws,
    /// the loss and gradients averaged over the ranks (the loss first, so that every rank skips or stops on the same
    /// non-finite value), then the same clipping and update everywhere.
    /// </summary>
    private (double Loss, bool Skipped) TrainShardStep(IDataParallelLoss loss, TensorBuckets buckets, IReadOnlyList<TorchSharp.Modules.Parameter> trainable,
        long step, Tensor permutation, long start, int batch, Device device, AdamW optimizer, ExponentialMovingAverage ema, string? lastCheckpoint)
    {
        using var scope = NewDisposeScope();
        int share = batch / collective.Size;
        long first = (long)collective.Rank * share;
        var indices = permutation.narrow(0, start + first, share).data<long>().ToArray(); // (B / N)
        var (images, labelsOnCpu) = data.Batch(indices);
        var x0 = images.to(device);                                                     // (B / N, C, H, W)
        var labels = labelsOnCpu?.to(device);                                           // (B / N) or null
        using var generator = new Generator(TrainingSeeds.StepLoss(options.Seed, step), device);
        long[] batchShape = [batch, .. x0.shape.AsSpan(1)];
        var draws = loss.DrawTraining(batchShape, device, generator).Rows(first, share); // the whole batch's, our rows

        optimizer.ZeroGrad();
        var lossTensor = loss.TrainingLoss(x0, labels, draws);
        // Each rank's loss is the mean over its equal share, so the batch's loss is the mean over ranks.
        var mean = new[] { lossTensor.item<float>() };
        exchange.Start();
        collective.AllReduceSum(mean);
        exchange.Stop();
        double value = mean[0] / collective.Size;
        // The averaged gradients are equal on every rank, so are their norm, the clipping and the update.
        bool skip = Update(step, value, lossTensor, AverageGradients, optimizer, ema, lastCheckpoint);
        return (value, skip);

        void AverageGradients()
        {
            exchange.Start();
            buckets.AverageGradients(collective, trainable);
            exchange.Stop();
        }
    }

    /// <summary>
    /// One optimizer step on the examples permutation[start .. start + batch); returns the loss and whether the step was
    /// skipped. Every tensor it makes dies with its dispose scope.
    /// </summary>
    private (double Loss, bool Skipped) TrainStep(long step, Tensor permutation, long start, int batch, Device device, AdamW optimizer, ExponentialMovingAverage ema, string? lastCheckpoint)
    {
        using var scope = NewDisposeScope();
        var indices = permutation.narrow(0, start, batch).data<long>().ToArray(); // (B)
        var (images, labelsOnCpu) = data.Batch(indices);
        var x0 = images.to(device);                                             // (B, C, H, W)
        var labels = labelsOnCpu?.to(device);                                   // (B) or null
        using var generator = new Generator(TrainingSeeds.StepLoss(options.Seed, step), device);

        optimizer.ZeroGrad();
        if (model is ITrainingStepAware aware) aware.BeginStep(step, options.Steps);
        var lossTensor = model.TrainingLoss(x0, labels, generator);
        double loss = lossTensor.item<float>();
        bool skip = Update(step, loss, lossTensor, reduceGradients: null, optimizer, ema, lastCheckpoint);
        return (loss, skip);
    }

    /// <summary>
    /// What follows the loss: stop (or skip, with <see cref="TrainingOptions.SkipNonFiniteSteps"/>) on a non-finite loss,
    /// else backward, <paramref name="reduceGradients"/> (data-parallel averaging), clipping by the global norm, AdamW and
    /// the EMA; the gradients are released after. Returns whether the step was skipped.
    /// </summary>
    private bool Update(long step, double loss, Tensor lossTensor, Action? reduceGradients, AdamW optimizer, ExponentialMovingAverage ema, string? lastCheckpoint)
    {
        bool skip = false;
        if (!double.IsFinite(loss))
        {
            if (!options.SkipNonFiniteSteps) throw new NonFiniteLossException(step, "loss", loss, lastCheckpoint);
            skip = true;
        }
        else
        {
            lossTensor.backward();
            reduceGradients?.Invoke();
            if (options.GradClip is { } maxNorm)
            {
                double norm = GradientClipping.ClipByGlobalNorm(optimizer.Parameters, maxNorm);
                if (!double.IsFinite(norm))
                {
                    if (!options.SkipNonFiniteSteps) throw new NonFiniteLossException(step, "gradient norm", norm, lastCheckpoint);
                    skip = true;
                }
            }
            if (!skip)
            {
                optimizer.Step();
                ema.Update(model.Network);
            }
        }
        optimizer.ZeroGrad(); // release the gradients between steps
        return skip;
    }
}
