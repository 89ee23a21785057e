package io.glassbox.server.dicomweb;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.ingest.DicomJson;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tag path of a bulk data value, as ingest writes it into a BulkDataURI ({@code bulkdata/<path>}, relative to
 * the instance): 8-hex-digit tags joined by '/', with a zero-based item index between a sequence and the tag
 * inside it, e.g. {@code 7FE00010} or {@code 00540016/0/00181078}.
 *
 * @param tags  the tags, outermost first
 * @param items the item index taken in each sequence ({@code items.get(k)} lies between {@code tags.get(k)} and
 *              {@code tags.get(k + 1)})
 */
record BulkDataPath(List<Integer> tags, List<Integer> items) {

    private static final Pattern TAG = Pattern.compile("[0-9A-Fa-f]{8}");
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");
    static final int PIXEL_DATA = 0x7FE00010;

    /** @return empty when {@code path} is not of that form */
    static Optional<BulkDataPath> parse(String path) {
        String[] segments = path.split("/", -1);
        if (segments.length % 2 == 0) {
            return Optional.empty();
        }
        List<Integer> tags = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        for (int k = 0; k < segments.length; k++) {
            boolean tagSegment = k % 2 == 0;
            if (!(tagSegment ? TAG : INDEX).matcher(segments[k]).matches()) {
                return Optional.empty();
            }
            (tagSegment ? tags : items).add(Integer.parseUnsignedInt(segments[k], tagSegment ? 16 : 10));
        }
        return Optional.of(new BulkDataPath(tags, items));
    }

    /** Whether this is the top-level Pixel Data, which is served from the index's offsets rather than parsed. */
    boolean isPixelData() {
        return tags.size() == 1 && tags.get(0) == PIXEL_DATA;
    }

    /**
     * The value at this path in the stored file, as little-endian bytes, read by PixelMed (pixel data left
     * compressed; a path ending before Pixel Data stops reading there).
     *
     * @return empty when the file has no binary value at this path
     */
    Optional<byte[]> read(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                DicomInputStream dicom = new DicomInputStream(in)) {
            int top = tags.get(0);
            if (Integer.compareUnsigned(top, PIXEL_DATA) < 0) {
                list.read(dicom, TagFromName.PixelData);
            } else {
                list.read(dicom);
            }
        }
        Attribute attribute = null;
        AttributeList current = list;
        for (int k = 0; k < tags.size(); k++) {
            attribute = current.get(tag(tags.get(k)));
            if (attribute == null) {
                return Optional.empty();
            }
            if (k < items.size()) {
                if (!(attribute instanceof SequenceAttribute sequence) || items.get(k) >= sequence.getNumberOfItems()) {
                    return Optional.empty();
                }
                current = sequence.getItem(items.get(k)).getAttributeList();
            }
        }
        // Only binary values are bulk data (what the metadata can name by a BulkDataURI); a text or number
        // value is in the metadata itself.
        if (attribute instanceof SequenceAttribute || !DicomJson.isBinaryVr(attribute.getVRAsString())) {
            return Optional.empty();
        }
        return Optional.of(attribute.getByteValues(false));
    }

    private static AttributeTag tag(int tag) {
        return new AttributeTag(tag >>> 16, tag & 0xFFFF);
    }
}
