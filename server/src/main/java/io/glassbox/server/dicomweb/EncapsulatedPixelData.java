package io.glassbox.server.dicomweb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The item structure of encapsulated Pixel Data (PS3.5 A.4) as it lies in a stored file: the Basic Offset
 * Table and where each fragment's bytes are, read from the item headers alone (fragment contents are skipped,
 * never loaded), and the grouping of fragments into frames.
 */
final class EncapsulatedPixelData {

    private static final int ITEM = 0xFFFEE000;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;

    /**
     * One fragment.
     *
     * @param fileOffset   where its bytes start in the file
     * @param length       how many bytes it has
     * @param itemOffset   where its item header starts, counted from the first fragment's item header (the
     *                     origin of the Basic Offset Table's offsets)
     */
    record Fragment(long fileOffset, long length, long itemOffset) {
    }

    private final long[] basicOffsetTable;
    private final List<Fragment> fragments;

    private EncapsulatedPixelData(long[] basicOffsetTable, List<Fragment> fragments) {
        this.basicOffsetTable = basicOffsetTable;
        this.fragments = fragments;
    }

    /** Reads the items starting at {@code valueOffset}, the value offset of the Pixel Data element. */
    static EncapsulatedPixelData read(FileChannel file, long valueOffset) throws IOException {
        long size = file.size();
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long position = valueOffset;
        readFully(file, header, position);
        if (tag(header) != ITEM) {
            throw new IOException("encapsulated Pixel Data does not start with the Basic Offset Table item");
        }
        long botLength = Integer.toUnsignedLong(header.getInt(4));
        if (botLength % 4 != 0 || position + 8 + botLength > size) {
            throw new IOException("malformed Basic Offset Table (length " + botLength + ")");
        }
        ByteBuffer bot = ByteBuffer.allocate((int) botLength).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, bot, position + 8);
        long[] offsets = new long[(int) (botLength / 4)];
        for (int k = 0; k < offsets.length; k++) {
            offsets[k] = Integer.toUnsignedLong(bot.getInt(k * 4));
        }
        position += 8 + botLength;
        long firstFragment = position;
        List<Fragment> fragments = new ArrayList<>();
        while (true) {
            if (position + 8 > size) {
                throw new IOException("encapsulated Pixel Data ends without a Sequence Delimitation Item");
            }
            readFully(file, header, position);
            int tag = tag(header);
            if (tag == SEQUENCE_DELIMITER) {
                break;
            }
            long length = Integer.toUnsignedLong(header.getInt(4));
            if (tag != ITEM || position + 8 + length > size) {
                throw new IOException("malformed fragment item at file offset " + position);
            }
            fragments.add(new Fragment(position + 8, length, position - firstFragment));
            position += 8 + length;
        }
        if (fragments.isEmpty()) {
            throw new IOException("encapsulated Pixel Data has no fragments");
        }
        return new EncapsulatedPixelData(offsets, fragments);
    }

    List<Fragment> fragments() {
        return fragments;
    }

    /**
     * The fragments of each frame: all of them for a single frame; by the Basic Offset Table when there is one;
     * one fragment per frame when the counts agree; otherwise at the fragments that begin a codestream (JPEG
     * SOI, JPEG 2000 SOC), which is how a frame split over several fragments is recognised without a table.
     *
     * @param startsCodestream tells, from its first bytes, whether a fragment begins a frame's codestream
     */
    List<List<Fragment>> frames(int frameCount, FragmentStartTest startsCodestream) throws IOException {
        List<List<Fragment>> frames = new ArrayList<>();
        if (frameCount == 1) {
            frames.add(fragments);
            return frames;
        }
        if (basicOffsetTable.length == frameCount) {
            for (int k = 0; k < frameCount; k++) {
                long start = basicOffsetTable[k];
                long end = k + 1 < frameCount ? basicOffsetTable[k + 1] : Long.MAX_VALUE;
                List<Fragment> frame = new ArrayList<>();
                for (Fragment f : fragments) {
                    if (f.itemOffset() >= start && f.itemOffset() < end) {
                        frame.add(f);
                    }
                }
                if (frame.isEmpty()) {
                    throw new IOException("the Basic Offset Table points frame " + (k + 1) + " at no fragment");
                }
                frames.add(frame);
            }
            return frames;
        }
        if (fragments.size() == frameCount) {
            for (Fragment f : fragments) {
                frames.add(List.of(f));
            }
            return frames;
        }
        for (Fragment f : fragments) {
            if (startsCodestream.test(f)) {
                frames.add(new ArrayList<>());
            }
            if (frames.isEmpty()) {
                throw new IOException("the first fragment does not begin a codestream");
            }
            frames.get(frames.size() - 1).add(f);
        }
        if (frames.size() != frameCount) {
            throw new IOException(fragments.size() + " fragments without a Basic Offset Table make " + frames.size()
                    + " codestreams, not the " + frameCount + " frames the object declares");
        }
        return frames;
    }

    /** Whether a fragment begins a new frame's codestream. */
    @FunctionalInterface
    interface FragmentStartTest {
        boolean test(Fragment fragment) throws IOException;
    }

    /** Tests a fragment's first bytes for a JPEG SOI (FFD8, also JPEG-LS) or JPEG 2000 SOC (FF4F) marker. */
    static FragmentStartTest codestreamStart(FileChannel file) {
        return fragment -> {
            if (fragment.length() < 2) {
                return false;
            }
            ByteBuffer marker = ByteBuffer.allocate(2);
            readFully(file, marker, fragment.fileOffset());
            int first = marker.get(0) & 0xFF;
            int second = marker.get(1) & 0xFF;
            return first == 0xFF && (second == 0xD8 || second == 0x4F);
        };
    }

    private static int tag(ByteBuffer header) {
        int group = header.getShort(0) & 0xFFFF;
        int element = header.getShort(2) & 0xFFFF;
        return (group << 16) | element;
    }

    static void readFully(FileChannel file, ByteBuffer buffer, long position) throws IOException {
        buffer.clear();
        long at = position;
        while (buffer.hasRemaining()) {
            int n = file.read(buffer, at);
            if (n < 0) {
                throw new IOException("stored file ends at offset " + at + " before the data expected there");
            }
            at += n;
        }
        buffer.flip();
    }
}
