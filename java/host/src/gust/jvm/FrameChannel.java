/* A connection from gust read and written a frame at a time: a
 * little-endian u32 byte count, then that many bytes (see Wire).
 *
 * Reading takes all the socket has into one growing buffer, so a frame
 * that fits costs one read and the bytes after it (none while gust waits
 * for an answer) stay for the next.  A frame read with next() is valid
 * until the next read.  Used by one thread at a time: the task's (or the
 * grouping's) thread, or a thread holding the task's answer buffer in
 * the middle of a call. */
package gust.jvm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

final class FrameChannel {
    private static final int LARGEST = 1 << 30;
    private final SocketChannel channel;
    private final Wire.Strings strings; /* for the strings of frames read with next() */
    /* bytes read: the last frame, then any read ahead (up to `have`) */
    private ByteBuffer frame = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private int have;
    private int after; /* where the frame after the last one starts */
    private final ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

    FrameChannel(SocketChannel channel, Wire.Strings strings) {
        this.channel = channel;
        this.strings = strings;
    }

    /* The next frame. */
    Wire.In next() throws IOException {
        if (after > 0) {
            System.arraycopy(frame.array(), after, frame.array(), 0, have - after);
            have -= after;
            after = 0;
        }
        fill(4);
        int n = frame.getInt(0);
        if (n < 0 || n > LARGEST) {
            throw new IOException("frame of " + n + " bytes");
        }
        fill(4 + n);
        after = 4 + n;
        return new Wire.In(ByteBuffer.wrap(frame.array(), 4, n), strings);
    }

    /* The next frame, in b or a larger buffer (returned), ready to read:
     * an answer in the middle of a call, kept apart from the call's frame
     * (which the task is still reading). */
    ByteBuffer readInto(ByteBuffer b) throws IOException {
        head.clear();
        readFully(head);
        int n = head.getInt(0);
        if (n < 0 || n > LARGEST) {
            throw new IOException("frame of " + n + " bytes");
        }
        if (b.capacity() < n) {
            b = ByteBuffer.allocate(Math.max(n, 2 * b.capacity()));
        }
        b.clear().limit(n);
        readFully(b);
        b.flip();
        return b;
    }

    /* Sends the frame written into o after a 4-byte room for its length,
     * and leaves o holding that room again. */
    void send(Wire.Out o) throws IOException {
        send(o.buf);
        o.buf.putInt(0);
    }

    /* Sends the frame written into b after a 4-byte room for its length,
     * and leaves b cleared. */
    void send(ByteBuffer b) throws IOException {
        b.putInt(0, b.position() - 4);
        b.flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
        b.clear();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            /* nothing left to tell */
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    /* Reads until the buffer holds at least want bytes. */
    private void fill(int want) throws IOException {
        if (frame.capacity() < want) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(want, 2 * frame.capacity()))
                .order(ByteOrder.LITTLE_ENDIAN);
            System.arraycopy(frame.array(), 0, bigger.array(), 0, have);
            frame = bigger;
        }
        while (have < want) {
            frame.limit(frame.capacity()).position(have);
            int r = channel.read(frame);
            if (r < 0) {
                throw new EOFException();
            }
            have += r;
        }
    }
}
