package io.glassbox.server.dicomweb;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.server.index.InstanceLocation;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Locates frames of a stored object's Pixel Data so that WADO-RS can send them without decoding:
 * uncompressed frames by arithmetic on the indexed Pixel Data offset (rows × columns × samples × bits), and
 * encapsulated frames through their fragments. Where the file's bytes are not the little-endian bytes a
 * client gets, they are converted: big-endian words are swapped, deflated data sets are inflated by PixelMed.
 */
final class PixelDataFrames {

    /**
     * One frame's bytes: ranges of the stored file ({@code offset, length} pairs) sent as they are, or bytes
     * already in memory.
     */
    record Frame(List<long[]> fileRanges, byte[] bytes) {

        static Frame ofRange(long offset, long length) {
            List<long[]> ranges = new ArrayList<>(1);
            ranges.add(new long[] {offset, length});
            return new Frame(ranges, null);
        }

        void writeTo(FileChannel file, OutputStream out) throws IOException {
            if (bytes != null) {
                out.write(bytes);
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            for (long[] range : fileRanges) {
                long position = range[0];
                long remaining = range[1];
                while (remaining > 0) {
                    buffer.clear();
                    if (remaining < buffer.capacity()) {
                        buffer.limit((int) remaining);
                    }
                    int n = file.read(buffer, position);
                    if (n < 0) {
                        throw new IOException("stored file is shorter than its indexed Pixel Data");
                    }
                    out.write(buffer.array(), 0, n);
                    position += n;
                    remaining -= n;
                }
            }
        }
    }

    /** Thrown when the stored object's pixel data cannot be cut into the frames it declares. */
    static final class UnreadableFramesException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableFramesException(String message) {
            super(message);
        }
    }

    private PixelDataFrames() {
    }

    /**
     * Encapsulated Pixel Data has an undefined length (PS3.5 A.4), which the index records as -1. (PixelMed's
     * TransferSyntax.isEncapsulated also says yes for the deflated syntax, whose Pixel Data is native.)
     */
    static boolean encapsulated(InstanceLocation instance) {
        return instance.pixelDataLength() != null && instance.pixelDataLength() == -1;
    }

    /**
     * The requested frames (numbered from 1, each already checked to be within the object's frame count) of
     * {@code instance}, whose file is open as {@code file}.
     */
    static List<Frame> select(InstanceLocation instance, FileChannel file, Path path, int[] frameNumbers)
            throws IOException, UnreadableFramesException {
        if (encapsulated(instance)) {
            EncapsulatedPixelData pixelData = EncapsulatedPixelData.read(file, instance.pixelDataOffset());
            List<List<EncapsulatedPixelData.Fragment>> frames =
                    pixelData.frames(instance.frameCount(), EncapsulatedPixelData.codestreamStart(file));
            List<Frame> out = new ArrayList<>();
            for (int number : frameNumbers) {
                List<long[]> ranges = new ArrayList<>();
                for (EncapsulatedPixelData.Fragment f : frames.get(number - 1)) {
                    ranges.add(new long[] {f.fileOffset(), f.length()});
                }
                out.add(new Frame(ranges, null));
            }
            return out;
        }
        long frameBits = frameBits(instance);
        TransferSyntax ts = new TransferSyntax(instance.transferSyntaxUid());
        if (ts.isDeflated()) {
            return fromBytes(inflatedPixelData(path), frameBits, frameNumbers);
        }
        long needed = (frameBits * instance.frameCount() + 7) / 8;
        if (instance.pixelDataLength() == null || instance.pixelDataLength() < needed) {
            throw new UnreadableFramesException("the stored Pixel Data holds " + instance.pixelDataLength()
                    + " bytes, fewer than the " + needed + " its " + instance.frameCount() + " frame(s) need");
        }
        int bytesPerSample = instance.bitsAllocated() / 8;
        boolean swap = ts.isBigEndian() && bytesPerSample > 1;
        List<Frame> out = new ArrayList<>();
        for (int number : frameNumbers) {
            long firstBit = frameBits * (number - 1);
            if (firstBit % 8 == 0 && frameBits % 8 == 0 && !swap) {
                out.add(Frame.ofRange(instance.pixelDataOffset() + firstBit / 8, frameBits / 8));
                continue;
            }
            long firstByte = firstBit / 8;
            long lastByte = (firstBit + frameBits - 1) / 8;
            ByteBuffer raw = ByteBuffer.allocate((int) (lastByte - firstByte + 1));
            EncapsulatedPixelData.readFully(file, raw, instance.pixelDataOffset() + firstByte);
            byte[] bytes = swap ? swapped(raw.array(), bytesPerSample)
                    : bitAligned(raw.array(), (int) (firstBit % 8), frameBits);
            out.add(new Frame(null, bytes));
        }
        return out;
    }

    /** Bits in one uncompressed frame. */
    private static long frameBits(InstanceLocation instance) throws UnreadableFramesException {
        if (instance.rows() == null || instance.columns() == null || instance.bitsAllocated() == null) {
            throw new UnreadableFramesException("the object lacks Rows, Columns or Bits Allocated");
        }
        int samples = instance.samplesPerPixel() == null ? 1 : instance.samplesPerPixel();
        return (long) instance.rows() * instance.columns() * samples * instance.bitsAllocated();
    }

    private static List<Frame> fromBytes(byte[] pixelData, long frameBits, int[] frameNumbers)
            throws UnreadableFramesException {
        List<Frame> out = new ArrayList<>();
        for (int number : frameNumbers) {
            long firstBit = frameBits * (number - 1);
            long lastByte = (firstBit + frameBits - 1) / 8;
            if (lastByte >= pixelData.length) {
                throw new UnreadableFramesException("the Pixel Data is shorter than frame " + number + " needs");
            }
            byte[] raw = Arrays.copyOfRange(pixelData, (int) (firstBit / 8), (int) lastByte + 1);
            out.add(new Frame(null, bitAligned(raw, (int) (firstBit % 8), frameBits)));
        }
        return out;
    }

    /**
     * A frame of single-bit pixels that starts {@code shift} bits into {@code raw}, moved to start at bit 0
     * (DICOM packs bits from the least significant bit of each byte); byte-aligned frames are returned as given.
     */
    static byte[] bitAligned(byte[] raw, int shift, long frameBits) {
        int length = (int) ((frameBits + 7) / 8);
        if (shift == 0 && raw.length == length && frameBits % 8 == 0) {
            return raw;
        }
        byte[] out = new byte[length];
        for (int k = 0; k < length; k++) {
            int low = (raw[k] & 0xFF) >>> shift;
            int high = k + 1 < raw.length ? (raw[k + 1] & 0xFF) << (8 - shift) : 0;
            out[k] = (byte) (shift == 0 ? raw[k] : (low | high));
        }
        int spareBits = (int) (length * 8L - frameBits);
        if (spareBits > 0) {
            out[length - 1] &= (byte) (0xFF >>> spareBits);
        }
        return out;
    }

    /** Big-endian samples of {@code width} bytes turned little-endian. */
    private static byte[] swapped(byte[] raw, int width) {
        byte[] out = new byte[raw.length];
        for (int k = 0; k + width <= raw.length; k += width) {
            for (int b = 0; b < width; b++) {
                out[k + b] = raw[k + width - 1 - b];
            }
        }
        return out;
    }

    /** The Pixel Data value of a deflated data set, inflated by PixelMed, as little-endian bytes. */
    private static byte[] inflatedPixelData(Path path) throws IOException, UnreadableFramesException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path));
                DicomInputStream dicom = new DicomInputStream(in)) {
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            list.read(dicom);
            Attribute pixelData = list.get(TagFromName.PixelData);
            if (pixelData == null) {
                throw new UnreadableFramesException("the object has no Pixel Data");
            }
            return pixelData.getByteValues(false);
        } catch (DicomException e) {
            throw new UnreadableFramesException("PixelMed could not read the stored object: " + e.getMessage());
        }
    }

    static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }
}
