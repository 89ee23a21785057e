package io.glassbox.server.ingest;

import io.glassbox.server.testing.Part10;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/** An explicit VR little endian Part 10 file rewritten as Deflated Explicit VR Little Endian (PS3.5 A.5). */
final class Deflated {

    private Deflated() {
    }

    /** The same preamble and meta elements with the deflated transfer syntax, then the data set deflated. */
    static byte[] of(byte[] explicitLittleEndian) {
        if (!StructureSites.transferSyntax(explicitLittleEndian).equals("1.2.840.10008.1.2.1")) {
            throw new IllegalArgumentException("not explicit VR little endian");
        }
        int dataSet = Part10.dataSetOffset(explicitLittleEndian);
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        int at = 132;
        while (at < dataSet) {
            ByteBuffer b = ByteBuffer.wrap(explicitLittleEndian, at, dataSet - at).order(ByteOrder.LITTLE_ENDIAN);
            int element = b.getShort(at + 2) & 0xFFFF;
            String vr = new String(explicitLittleEndian, at + 4, 2, StandardCharsets.US_ASCII);
            boolean longLength = vr.equals("OB") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT");
            int header = longLength ? 12 : 8;
            int length = longLength ? b.getInt(at + 8) : b.getShort(at + 6) & 0xFFFF;
            if (element == 0x0010) {
                byte[] uid = "1.2.840.10008.1.2.1.99".getBytes(StandardCharsets.US_ASCII);
                meta.writeBytes(new byte[] {0x02, 0x00, 0x10, 0x00, 'U', 'I', (byte) uid.length, 0});
                meta.writeBytes(uid);
            } else if (element != 0x0000) {
                meta.write(explicitLittleEndian, at, header + length);
            }
            at += header + length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(explicitLittleEndian, 0, 132);
        ByteBuffer groupLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        groupLength.putShort((short) 2).putShort((short) 0).put((byte) 'U').put((byte) 'L').putShort((short) 4)
                .putInt(meta.size());
        out.writeBytes(groupLength.array());
        out.writeBytes(meta.toByteArray());
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(explicitLittleEndian, dataSet, explicitLittleEndian.length - dataSet);
        deflater.finish();
        byte[] chunk = new byte[8192];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return out.toByteArray();
    }
}
