using System;
using System.CommandLine;
using System.IO;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Training;

namespace Examples.Mnist.Commands;

/// <summary>Runs a command's body and turns the errors a user can cause into one message and exit code 1.</summary>
internal static class CommandAction
{
    public static void Set(Command command, Func<ParseResult, int> body) => command.SetAction(parseResult =>
    {
        try
        {
            return body(parseResult);
        }
        catch (Exception e) when (e is CommandLineException or CheckpointException or ImageDataException or NonFiniteLossException
                                      or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    });
}
