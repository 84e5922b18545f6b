using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Diffusion.Runtime.IO;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// Marks every PNG the runtime writes with a <c>tEXt</c> chunk "Software: Diffusion.Dsl" right after IHDR (PNG spec
/// section 11.3.4.3), so a later run can tell its own earlier output, which it may replace, from a user's file, which
/// it must not (see <see cref="OutputPath"/>). The marker guards against accidents, not against forgery.
/// </summary>
public static class PngMarker
{
    private const string Keyword = "Software";
    private const string Value = "Diffusion.Dsl";
    private const int SignatureLength = 8;
    private const int IhdrChunkLength = 12 + 13;
    /// <summary>The marker sits right after IHDR; reading this much finds it in any PNG the runtime wrote.</summary>
    private const int ProbeBytes = 4096;

    /// <summary>Writes <paramref name="png"/> (a complete PNG) to <paramref name="path"/> atomically, with the marker.</summary>
    public static void Write(string path, byte[] png) => AtomicFile.Write(path, Stamp(png));

    /// <summary><paramref name="png"/> with the marker chunk inserted after IHDR.</summary>
    public static byte[] Stamp(byte[] png)
    {
        int at = SignatureLength + IhdrChunkLength;
        if (png.Length < at || Encoding.ASCII.GetString(png, SignatureLength + 4, 4) != "IHDR")
            throw new ArgumentException("Not a PNG that starts with IHDR.", nameof(png));
        byte[] data = Encoding.Latin1.GetBytes(Keyword + "\0" + Value);
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes("tEXt").CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        byte[] stamped = new byte[png.Length + chunk.Length];
        png.AsSpan(0, at).CopyTo(stamped);
        chunk.CopyTo(stamped, at);
        png.AsSpan(at).CopyTo(stamped.AsSpan(at + chunk.Length));
        return stamped;
    }

    /// <summary>Whether the regular file at <paramref name="path"/> is a PNG that carries the marker (with a valid CRC).</summary>
    public static bool IsStamped(string path)
    {
        byte[] head = new byte[ProbeBytes];
        int read;
        try
        {
            using var stream = RegularFile.OpenRead(path, long.MaxValue); // only the head is read
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return HasMarker(head.AsSpan(0, read));
    }

    /// <summary>Walks the chunks before the image data for the marker.</summary>
    internal static bool HasMarker(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (bytes.Length < SignatureLength || !bytes[..SignatureLength].SequenceEqual(signature)) return false;
        int offset = SignatureLength;
        while (bytes.Length - offset >= 12)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(offset, 4));
            if (length > (uint)(bytes.Length - offset - 12)) return false;
            var type = bytes.Slice(offset + 4, 4);
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8)) return false;
            var data = bytes.Slice(offset + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(offset + 8 + (int)length, 4));
            if (type.SequenceEqual("tEXt"u8) && crc == Crc32.Compute(bytes.Slice(offset + 4, 4 + (int)length))
                && data.SequenceEqual(Encoding.Latin1.GetBytes(Keyword + "\0" + Value)))
                return true;
            offset += 12 + (int)length;
        }
        return false;
    }
}
