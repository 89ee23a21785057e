package io.glassbox.server.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedLongAttribute;
import io.glassbox.server.Glassbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The file meta information (PS3.10 7.1) of every Part 10 file Glassbox writes, naming Glassbox as the
 * implementation. PixelMed builds it with its own implementation identity and group length; this replaces both.
 */
public final class FileMeta {

    private FileMeta() {}

    public static AttributeList of(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
            String sourceAeTitle) throws DicomException, IOException {
        AttributeList meta = new AttributeList();
        FileMetaInformation.addFileMetaInformation(meta, sopClassUid, sopInstanceUid, transferSyntaxUid,
                sourceAeTitle);
        meta.replaceWithValueIfPresent(TagFromName.ImplementationClassUID, Glassbox.IMPLEMENTATION_CLASS_UID);
        meta.replaceWithValueIfPresent(TagFromName.ImplementationVersionName, Glassbox.IMPLEMENTATION_VERSION_NAME);
        // The group length is the byte count of the elements after it (no preamble: a null meta syntax).
        meta.remove(TagFromName.FileMetaInformationGroupLength);
        ByteArrayOutputStream elements = new ByteArrayOutputStream(512);
        DicomOutputStream out = new DicomOutputStream(elements, null, TransferSyntax.ExplicitVRLittleEndian);
        meta.write(out);
        out.flush();
        Attribute groupLength = new UnsignedLongAttribute(TagFromName.FileMetaInformationGroupLength);
        groupLength.addValue(elements.size());
        meta.put(groupLength);
        return meta;
    }

    /** Preamble, "DICM" and the meta elements: what precedes a data set of {@code transferSyntaxUid} on disk. */
    public static byte[] prefix(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
            String sourceAeTitle) throws DicomException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        DicomOutputStream dos = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, transferSyntaxUid);
        of(sopClassUid, sopInstanceUid, transferSyntaxUid, sourceAeTitle).write(dos);
        dos.flush();
        return out.toByteArray();
    }
}
