using System.Threading;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// One applied attribute: typed reads of its arguments and the location of each argument's syntax (the attribute
/// itself when the argument is absent), for diagnostics that point at what to edit.
/// </summary>
internal sealed class AttributeView
{
    private readonly AttributeData data;
    private readonly AttributeSyntax? syntax;

    public AttributeView(AttributeData data, CancellationToken cancellationToken)
    {
        this.data = data;
        syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }

    /// <summary>True when the compiler could not bind the attribute or one of its arguments (it reports why).</summary>
    public bool HasErrors
    {
        get
        {
            if (data.AttributeClass is null || data.AttributeClass.TypeKind == TypeKind.Error || data.AttributeConstructor is null) return true;
            foreach (var argument in data.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error) return true;
            }
            foreach (var argument in data.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error) return true;
            }
            return false;
        }
    }

    /// <summary>The whole attribute.</summary>
    public LocationInfo? Location => LocationInfo.From(syntax);

    /// <summary>The type declaration the attribute is applied to (its identifier), when known.</summary>
    public LocationInfo? TargetIdentifierLocation =>
        syntax?.Parent?.Parent is TypeDeclarationSyntax type ? LocationInfo.From(type.Identifier.GetLocation()) : null;

    /// <summary>The <c>Name = value</c> argument, or the attribute when the argument is absent.</summary>
    public LocationInfo? NamedLocation(string name)
    {
        if (syntax?.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name) return LocationInfo.From(argument);
            }
        }
        return Location;
    }

    /// <summary>The constructor argument at <paramref name="index"/> (or named <paramref name="parameter"/>:), else the attribute.</summary>
    public LocationInfo? ConstructorLocation(int index, string parameter)
    {
        if (syntax?.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameColon?.Name.Identifier.ValueText == parameter) return LocationInfo.From(argument);
            }
            int position = 0;
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals is not null || argument.NameColon is not null) continue;
                if (position++ == index) return LocationInfo.From(argument);
            }
        }
        return Location;
    }

    public bool Has(string name)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return true;
        }
        return false;
    }

    public int Int(string name, int fallback)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return AsInt(argument.Value, fallback);
        }
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return argument.Value.Value is bool value ? value : fallback;
        }
        return fallback;
    }

    /// <summary>A string argument; null when it is absent or written as null.</summary>
    public string? String(string name)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return argument.Value.Value as string;
        }
        return null;
    }

    public double Double(string name, double fallback)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return AsDouble(argument.Value, fallback);
        }
        return fallback;
    }

    /// <summary>An int[] argument; null when it is absent, <paramref name="valid"/> false when an element is not an int.</summary>
    public int[]? IntArray(string name, out bool valid)
    {
        valid = true;
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key != name) continue;
            if (argument.Value.Kind != TypedConstantKind.Array || argument.Value.IsNull)
            {
                valid = false;
                return null;
            }
            var values = new int[argument.Value.Values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (argument.Value.Values[i].Value is int value) values[i] = value;
                else valid = false;
            }
            return values;
        }
        return null;
    }

    /// <summary>The <c>Name = value</c> argument's constant, or null when it is absent.</summary>
    public TypedConstant? NamedArgument(string name)
    {
        foreach (var argument in data.NamedArguments)
        {
            if (argument.Key == name) return argument.Value;
        }
        return null;
    }

    public int ConstructorInt(int index, int fallback) =>
        index < data.ConstructorArguments.Length ? AsInt(data.ConstructorArguments[index], fallback) : fallback;

    public TypedConstant? ConstructorArgument(int index) =>
        index < data.ConstructorArguments.Length ? data.ConstructorArguments[index] : null;

    private static int AsInt(TypedConstant constant, int fallback) => constant.Value switch
    {
        int value => value,
        short value => value,
        byte value => value,
        sbyte value => value,
        ushort value => value,
        _ => fallback,
    };

    private static double AsDouble(TypedConstant constant, double fallback) => constant.Value switch
    {
        double value => value,
        float value => value,
        int value => value,
        long value => value,
        _ => fallback,
    };
}
