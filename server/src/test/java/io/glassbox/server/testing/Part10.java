package io.glassbox.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/** The parts of a Part 10 file, found by reading its file meta information (always explicit VR little endian). */
public final class Part10 {

    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");

    private Part10() {
    }

    /** The file's data set: what follows its preamble, "DICM" and group 0002, i.e. what a C-STORE carries. */
    public static byte[] dataSet(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Arrays.copyOfRange(bytes, dataSetOffset(bytes), bytes.length);
    }

    public static int dataSetOffset(byte[] file) {
        if (file.length < 132 || file[128] != 'D' || file[129] != 'I' || file[130] != 'C' || file[131] != 'M') {
            throw new IllegalArgumentException("not a Part 10 file");
        }
        int position = 132;
        while (position + 8 <= file.length && ((file[position] & 0xFF) | (file[position + 1] & 0xFF) << 8) == 0x0002) {
            String vr = new String(file, position + 4, 2, StandardCharsets.US_ASCII);
            if (LONG_LENGTH_VRS.contains(vr)) {
                long length = (file[position + 8] & 0xFFL) | (file[position + 9] & 0xFFL) << 8
                        | (file[position + 10] & 0xFFL) << 16 | (file[position + 11] & 0xFFL) << 24;
                position += 12 + (int) length;
            } else {
                position += 8 + ((file[position + 6] & 0xFF) | (file[position + 7] & 0xFF) << 8);
            }
        }
        return position;
    }
}
