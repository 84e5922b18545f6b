using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Diffusion.Runtime.IO;

/// <summary>
/// A read-only view of an opened regular file that refuses to return any byte at or past offset <c>maxBytes</c>: the
/// limit holds on what is actually read, so a file that reports a small size and keeps producing bytes (one that grows
/// while being read, a /proc or FUSE file that reports 0) ends in an <see cref="InputFileException"/> after at most
/// <c>maxBytes + 1</c> bytes instead of filling memory. Seeking is passed through; the limit is on offsets, not on the
/// count of calls.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly FileStream inner;
    private readonly string path;
    private readonly long maxBytes;

    public BoundedReadStream(FileStream inner, string path, long maxBytes)
    {
        this.inner = inner;
        this.path = path;
        this.maxBytes = maxBytes;
    }

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer[..Allowed(buffer.Length)]);
        Check();
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false);
        Check();
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>How much of a read of <paramref name="requested"/> bytes to pass on: up to one byte past the limit, so that reaching it is seen.</summary>
    private int Allowed(int requested)
    {
        long left = maxBytes - inner.Position;
        long room = left == long.MaxValue ? left : left + 1; // long.MaxValue means no limit: + 1 would wrap
        return room <= 0 ? 0 : (int)Math.Min(requested, room);
    }

    private void Check()
    {
        if (inner.Position > maxBytes) throw RegularFile.TooLarge(path, maxBytes, reportedSize: null);
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException($"'{path}' is open for reading only.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException($"'{path}' is open for reading only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
