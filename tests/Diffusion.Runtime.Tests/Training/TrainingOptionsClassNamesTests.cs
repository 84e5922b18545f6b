using System.IO;
using System.Text.Json;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>TrainingOptions.ClassNames in config.json: written when set, and absent from older files without harm.</summary>
public sealed class TrainingOptionsClassNamesTests
{
    [Fact]
    public void Class_names_round_trip_through_config_json()
    {
        var options = new TrainingOptions { Steps = 3, ClassNames = ["cats", "dogs"] };

        string json = JsonSerializer.Serialize(options, CheckpointJson.Options);
        var read = JsonSerializer.Deserialize<TrainingOptions>(json, CheckpointJson.Options)!;

        Assert.Contains("\"classNames\": [", json);
        Assert.Equal(["cats", "dogs"], read.ClassNames);
        Assert.Equal(3, read.Steps);
    }

    [Fact]
    public void The_shipped_config_json_written_before_class_names_still_loads_with_none()
    {
        string config = Path.Combine(Cli.ExampleCli.RepositoryRoot, "examples", "MnistDit", "reference", "config.json");
        Assert.DoesNotContain("classNames", File.ReadAllText(config));

        var read = JsonSerializer.Deserialize<CheckpointConfig>(File.ReadAllText(config), CheckpointJson.Options)!;

        var options = TrainingCheckpoint.OptionsOf(read);
        Assert.NotNull(options);
        Assert.Null(options!.ClassNames);
        Assert.Equal(30000, options.Steps);
        Assert.Equal(8500, read.Step);
    }
}
