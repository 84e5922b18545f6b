using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diffusion.Runtime.Models;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// Compares the model description a checkpoint was written for with the model about to receive its weights, field by
/// field, so that a refusal says what differs (a name, a schedule, a network hyperparameter) instead of a list of
/// mismatched tensor shapes.
/// </summary>
public static class DescriptionDiff
{
    /// <summary>
    /// The fields in which two descriptions differ, as "Field: checkpoint X, model Y" (network hyperparameters as
    /// "Network.name"); empty when they are equal.
    /// </summary>
    public static IReadOnlyList<string> Differences(ModelDescription checkpoint, ModelDescription model)
    {
        var differences = new List<string>();
        void Compare<T>(string field, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) differences.Add($"{field}: checkpoint {Show(a)}, model {Show(b)}");
        }
        Compare(nameof(ModelDescription.Name), checkpoint.Name, model.Name);
        Compare(nameof(ModelDescription.Channels), checkpoint.Channels, model.Channels);
        Compare(nameof(ModelDescription.ImageSize), checkpoint.ImageSize, model.ImageSize);
        Compare(nameof(ModelDescription.Classes), checkpoint.Classes, model.Classes);
        Compare(nameof(ModelDescription.Predicts), checkpoint.Predicts, model.Predicts);
        Compare(nameof(ModelDescription.Schedule), checkpoint.Schedule, model.Schedule);
        Compare(nameof(ModelDescription.Timesteps), checkpoint.Timesteps, model.Timesteps);
        // The variance changes what sampling does with the weights; the objective and weighting only how they were trained.
        Compare(nameof(ModelDescription.Variance), checkpoint.Variance, model.Variance);
        var a = checkpoint.Network ?? new Dictionary<string, double>();
        var b = model.Network ?? new Dictionary<string, double>();
        foreach (var key in a.Keys.Union(b.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            double? x = a.TryGetValue(key, out var av) ? av : null, y = b.TryGetValue(key, out var bv) ? bv : null;
            Compare("Network." + key, x, y);
        }
        return differences;

        static string Show<T>(T value) => value switch
        {
            null => "none",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s => $"'{s}'",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "none",
        };
    }

    /// <summary>Throws unless the descriptions are equal, listing every differing field.</summary>
    /// <exception cref="CheckpointException">They differ; the message names <paramref name="configPath"/> and the fields.</exception>
    public static void Verify(ModelDescription checkpoint, ModelDescription model, string configPath)
    {
        var differences = Differences(checkpoint, model);
        if (differences.Count > 0)
            throw new CheckpointException(configPath, $"'{configPath}' was written for another model: {string.Join("; ", differences)}.");
    }
}
