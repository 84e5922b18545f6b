using System;
using System.CommandLine;
using System.IO;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli;

/// <summary>Runs a command's body and turns the errors a user can cause into one message and exit code 1.</summary>
public static class CommandAction
{
    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>, user errors printed as one line.</summary>
    public static void Set(Command command, Func<ParseResult, int> body) => command.SetAction(parseResult =>
    {
        try
        {
            return body(parseResult);
        }
        catch (Exception e) when (e is CommandLineException or CheckpointException or ImageDataException or NonFiniteLossException
                                      or TrainingRunException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {UserMessage(e)}");
            return 1;
        }
    });

    /// <summary>The message without .NET's " (Parameter 'X')" suffix, which names an internal parameter, not an option.</summary>
    internal static string UserMessage(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}
